"""Scenario files (TOML) → :class:`wfm.core.config.Scenario`."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from wfm.core.config import Scenario
from wfm.core.errors import ConfigError
from wfm.core.mapping import scenario_from_dict


def load_scenario_dict(path: str | os.PathLike) -> dict[str, Any]:
    """Parse a scenario TOML file into a plain dict (errors name the file and line)."""
    path = Path(path)
    if not path.exists():
        raise ConfigError("scenario file not found", source=str(path))
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", source=path.name) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", source=path.name) from None


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario file; every error names the file and the key path."""
    path = Path(path)
    return scenario_from_dict(load_scenario_dict(path), source=path.name)
