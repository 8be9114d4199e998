"""``wfm init DIR``: start a centre from the demo scenario shipped in the package."""

from __future__ import annotations

from pathlib import Path

import click

README_TXT = """\
A contact centre started by `wfm init` from the demo scenario shipped with wfm.

  scenario.toml   the centre: channels, segments and targets, sites, skills, shifts, AI policy
                  (edit it to describe your centre; every key is in the README of wfm)
  history.csv     {history}

Next, from this folder:

  wfm validate scenario.toml --history history.csv      check both, plan nothing
  wfm plan scenario.toml --history history.csv --out plan
                                                        forecast, split, staff, schedule, simulate
  wfm report plan --out plan/report.html --scenario scenario.toml
                                                        one HTML page to read the plan

Replace history.csv by your own contact history (`wfm history from-contacts LOG` builds it
from a per-contact log) and run the same commands.
"""


def register(group: click.Group) -> None:
    """Add ``init`` to the main group."""
    group.add_command(init)


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Length of the sample history [weeks], ending on the last Sunday.",
)
@click.option("--no-history", is_flag=True, help="Write the scenario and README only.")
def init(folder, weeks, no_history):
    """Start a centre in FOLDER from the demo scenario shipped with wfm.

    Writes scenario.toml (the demo: a bank with two onshore sites and an offshore
    outsourcer), history.csv (seeded sample history, as `wfm sample` writes it) and
    README.txt with the next commands. FOLDER must be new or empty (exit 2 otherwise):
    nothing is ever overwritten.
    """
    from wfm.cli.sample import write_sample
    from wfm.io.resources import example_scenario_text, new_folder, write_text
    from wfm.io.scenario import load_scenario

    root = new_folder(folder)
    scenario_path = write_text(root / "scenario.toml", example_scenario_text("demo"))
    click.echo(f"scenario: demo → {scenario_path}")
    if no_history:
        history = "not written (--no-history): put your contact history here"
    else:
        history = f"{weeks} weeks of seeded sample history (`wfm sample`), to try the commands"
        write_sample(load_scenario(scenario_path), weeks, None, root / "history.csv")
    write_text(root / "README.txt", README_TXT.format(history=history))
    _next_steps(root, no_history)


def _next_steps(root: Path, no_history: bool) -> None:
    history = f" --history {'HISTORY.csv' if no_history else root / 'history.csv'}"
    click.echo(
        f"next:\n  wfm validate {root / 'scenario.toml'}{history}\n"
        f"  wfm plan {root / 'scenario.toml'}{history} --out {root / 'plan'}\n"
        f"  wfm report {root / 'plan'} --out {root / 'plan' / 'report.html'} "
        f"--scenario {root / 'scenario.toml'}"
    )
