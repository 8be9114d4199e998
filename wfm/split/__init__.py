"""Human/AI split: containment, escalation, AI capacity, out-of-hours backlog, repeats."""

from wfm.split.stage import split_contacts

__all__ = ["split_contacts"]
