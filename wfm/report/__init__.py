"""wfm.report layer."""
