"""wfm.forecast layer."""
