"""wfm.pipeline layer."""
