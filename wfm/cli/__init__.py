"""Command-line interface: the only place that prints and chooses exit codes.

Exit codes: 0 ok, 1 internal error (traceback with ``--debug``), 2 bad input or
configuration, 3 infeasible plan, 4 solver failure.

Each command lives in a module named after it (``wfm whatif`` in ``whatif.py``); each such
module defines ``register(group)``, which adds the command to the main group. Shared pieces:
``options`` (run options), ``plan_options`` (a plan folder in, a file out), ``choices``
(choice lists read from the library) and ``stage_output`` (how a single-stage command writes
its outputs and prints its notes).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

from wfm import __version__
from wfm.core.errors import ConfigError, InfeasibleError, InputError, SolverError, WfmError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER = 0, 1, 2, 3, 4


def exit_code(err: BaseException) -> int:
    """Exit code of an exception raised by the library."""
    if isinstance(err, InputError | ConfigError):
        return EXIT_INPUT
    if isinstance(err, InfeasibleError):
        return EXIT_INFEASIBLE
    if isinstance(err, SolverError):
        return EXIT_SOLVER
    return EXIT_INTERNAL


class WfmGroup(click.Group):
    """Click group that turns library errors into one clear line and an exit code."""

    def invoke(self, ctx: click.Context):  # noqa: D102
        try:
            return super().invoke(ctx)
        except WfmError as err:
            kind = type(err).__name__.replace("Error", " error").lower()
            click.echo(f"wfm: {kind}: {err}", err=True)
            if ctx.obj and ctx.obj.get("debug"):
                raise
            sys.exit(exit_code(err))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as err:  # noqa: BLE001 — last resort, exit 1
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"wfm: internal error: {type(err).__name__}: {err} "
                "(run with --debug for the traceback)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(cls=WfmGroup)
@click.version_option(__version__, prog_name="wfm")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("-v", "--verbose", count=True, help="More log lines (repeat for debug).")
@click.pass_context
def main(ctx: click.Context, debug: bool, verbose: int) -> None:
    """wfm: plan the workforce of a multichannel contact centre.

    forecast → human/AI split → staffing requirements → shifts and overflow → simulation
    check → exports and report. Every stage reads and writes tidy CSV tables, so a planner
    can stop, edit and resume.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # library warnings (numpy RuntimeWarnings with source paths) are for developers: they go
    # to the log and are shown with -v; what a planner must know is in the notes
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbose else logging.ERROR)


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    _register = getattr(_module, "register", None)
    if _register is not None:
        _register(main)
