"""wfm.simulate layer."""
