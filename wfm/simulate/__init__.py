"""Simulation check: a discrete-event run of a plan before it ships."""

from wfm.simulate.stage import simulate_plan, simulate_tables

__all__ = ["simulate_plan", "simulate_tables"]
