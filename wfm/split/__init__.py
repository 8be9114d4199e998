"""wfm.split layer."""
