"""Human/AI split: containment, escalation, AI capacity, out-of-hours backlog, repeats."""

from wfm.core.config import AiCapacityConfig, AiPolicy, SplitConfig
from wfm.split.stage import split_contacts

__all__ = ["AiCapacityConfig", "AiPolicy", "SplitConfig", "split_contacts"]
