"""wfm.core layer."""
