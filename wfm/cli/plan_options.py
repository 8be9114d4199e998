"""Command-line arguments and flags of the commands that read a plan folder and write one
file from it (``wfm report``, ``wfm export``): the folder, the file written and the optional
scenario and history files. Each command states its own help text."""

from __future__ import annotations

from collections.abc import Callable

import click

PLAN_DIR = click.argument("plan_dir", type=click.Path(file_okay=False, exists=True))
"""The plan folder a command reads (it must exist)."""


def plan_file_options(
    *, out_help: str, scenario_help: str, history_help: str, out_default: str | None = None
) -> Callable:
    """``--out`` (as ``out_file``), ``--scenario`` and ``--history``, in that order.

    Parameters
    ----------
    out_help, scenario_help, history_help : str
        Help text of each flag.
    out_default : str, optional
        File written when ``--out`` is not given (shown in the help); without one ``--out``
        is required.
    """
    out = {"default": out_default, "show_default": True} if out_default else {"required": True}
    options = (
        click.option("--out", "out_file", type=click.Path(dir_okay=False), help=out_help, **out),
        click.option(
            "--scenario", type=click.Path(dir_okay=False, exists=True), help=scenario_help
        ),
        click.option("--history", type=click.Path(dir_okay=False, exists=True), help=history_help),
    )

    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply
