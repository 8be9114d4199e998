"""wfm.staffing layer."""
