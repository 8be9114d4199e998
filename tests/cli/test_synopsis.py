"""The README's command synopsis and the command line list the same commands, both ways.

A synopsis line starts with ``wfm COMMAND``; a lower-case word after a group's name lists its
subcommands (``wfm erlang c|a``, ``wfm history from-contacts``). Placeholders are upper case.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from wfm.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
_SUBCOMMANDS = re.compile(r"[a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)*")


def synopsis_block(text: str) -> str:
    """The first fenced block under the ``## Command line`` heading."""
    section = text.split("\n## Command line\n", 1)[1]
    return section.split("```", 2)[1]


def synopsis_commands(block: str) -> set[tuple[str, ...]]:
    """Command paths named by the lines of a synopsis that start with ``wfm ``."""
    paths: set[tuple[str, ...]] = set()
    for line in block.splitlines():
        words = line.split()
        if len(words) < 2 or words[0] != "wfm":
            continue
        if len(words) > 2 and _SUBCOMMANDS.fullmatch(words[2]):
            paths |= {(words[1], sub) for sub in words[2].split("|")}
        else:
            paths.add((words[1],))
    return paths


def cli_commands(group: click.Group) -> set[tuple[str, ...]]:
    """Commands of the main group; a group stands for its subcommands."""
    paths: set[tuple[str, ...]] = set()
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            paths |= {(name, sub) for sub in cmd.commands}
        else:
            paths.add((name,))
    return paths


def test_synopsis_parser_reads_placeholders_and_subcommands():
    block = """
wfm init DIR [--weeks N]          a new centre
wfm erlang c|a --contacts N       calculator
           [--shrinkage-rate S]
wfm history from-contacts LOG     a history
wfm accuracy --store FILE         accuracy
"""
    assert synopsis_commands(block) == {
        ("init",),
        ("erlang", "c"),
        ("erlang", "a"),
        ("history", "from-contacts"),
        ("accuracy",),
    }


def test_every_command_is_in_the_readme_synopsis():
    documented = synopsis_commands(synopsis_block(README.read_text(encoding="utf-8")))
    missing = sorted(" ".join(p) for p in cli_commands(main) - documented)
    assert not missing, f"commands missing from the README's synopsis: {missing}"


def test_every_command_of_the_readme_synopsis_exists():
    documented = synopsis_commands(synopsis_block(README.read_text(encoding="utf-8")))
    unknown = sorted(" ".join(p) for p in documented - cli_commands(main))
    assert not unknown, f"README synopsis names commands the CLI lacks: {unknown}"


def test_synopsis_lists_the_commands_moved_to_their_own_files():
    documented = synopsis_commands(synopsis_block(README.read_text(encoding="utf-8")))
    assert {("whatif",), ("nightly",), ("accuracy",), ("validate",)} <= documented
    assert {("erlang", "c"), ("erlang", "a"), ("history", "from-contacts")} <= documented
