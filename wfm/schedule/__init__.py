"""wfm.schedule layer."""
