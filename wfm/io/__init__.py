"""wfm.io layer."""
