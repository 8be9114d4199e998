"""Build frozen configuration dataclasses from plain mappings (parsed TOML or JSON).

The conversion follows each dataclass's type hints, so a field added to a config class is
read from scenario files without further code. Every error names the key path
(``sites.lyon.pools.voice.headcount``) and what was expected. Unknown keys are errors, so a
typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from wfm.core.errors import ConfigError


def scenario_from_dict(data: Mapping[str, Any], *, source: str | None = None):
    """Build a :class:`wfm.core.config.Scenario` from a mapping; errors name the key path."""
    from wfm.core.config import Scenario

    return from_mapping(Scenario, data, path="", source=source)


def from_mapping(cls: type, data: Any, *, path: str = "", source: str | None = None) -> Any:
    """Convert ``data`` into an instance of dataclass ``cls``.

    Dictionaries of dataclasses that have a ``name`` field take the name from their key.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"expected a table of keys, got {_kind(data)}", key=path or None, source=source
        )
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = [k for k in data if k not in fields]
    moved = getattr(cls, "MOVED_KEYS", {})  # former keys, with where the setting went
    if unknown and unknown[0] in moved:
        raise ConfigError(moved[unknown[0]], key=_join(path, unknown[0]), source=source)
    if unknown:
        allowed = ", ".join(sorted(fields))
        raise ConfigError(
            f"unknown key {unknown[0]!r}; allowed keys: {allowed}",
            key=_join(path, unknown[0]),
            source=source,
        )
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        kwargs[name] = _convert(hints[name], value, _join(path, name), source)
    missing = [
        n
        for n, f in fields.items()
        if n not in kwargs
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING  # type: ignore[misc]
    ]
    if missing:
        raise ConfigError(f"missing required key {missing[0]!r}", key=path or None, source=source)
    try:
        return cls(**kwargs)
    except ConfigError as err:
        key = _join(path, err.key) if err.key else (path or None)
        message = str(err)
        if err.key and message.startswith(f"{err.key}: "):
            message = message[len(err.key) + 2 :]
        raise ConfigError(message, key=key, source=source) from None


def _convert(tp: Any, value: Any, path: str, source: str | None) -> Any:
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, path, source)
    if origin is Literal:
        if value not in args:
            raise ConfigError(
                f"must be one of {', '.join(map(repr, args))}; got {value!r}",
                key=path,
                source=source,
            )
        return value
    if dataclasses.is_dataclass(tp):
        if (
            isinstance(value, Mapping)
            and "name" in {f.name for f in dataclasses.fields(tp)}
            and "name" not in value
        ):
            value = {"name": path.rsplit(".", 1)[-1], **value}
        return from_mapping(typing.cast(type, tp), value, path=path, source=source)
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"expected a table, got {_kind(value)}", key=path, source=source)
        key_tp, val_tp = args
        out = {}
        for k, v in value.items():
            sub = _join(path, str(k))
            if dataclasses.is_dataclass(val_tp) and isinstance(v, Mapping):
                names = {f.name for f in dataclasses.fields(val_tp)}
                if "name" in names and "name" not in v:
                    v = {"name": str(k), **v}
            out[_convert(key_tp, k, sub, source)] = _convert(val_tp, v, sub, source)
        return out
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"expected a list, got {_kind(value)}", key=path, source=source)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, f"{path}[{i}]", source) for i, v in enumerate(value))
        if len(value) != len(args):
            raise ConfigError(
                f"expected a list of {len(args)} items, got {len(value)}", key=path, source=source
            )
        return tuple(
            _convert(a, v, f"{path}[{i}]", source)
            for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(
                f"expected true or false, got {_kind(value)}", key=path, source=source
            )
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ConfigError(
                f"expected a whole number, got {_kind(value)}", key=path, source=source
            )
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"expected a number, got {_kind(value)}", key=path, source=source)
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"expected a string, got {_kind(value)}", key=path, source=source)
        return value
    return value


def set_key(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """Copy of a nested mapping with ``dotted`` (``segments.open.ai.chat.containment_rate``) set.

    Used by what-if sweeps; intermediate tables are created when missing.
    """
    import copy

    out = copy.deepcopy(data)
    node = out
    parts = dotted.split(".")
    for p in parts[:-1]:
        nxt = node.get(p)
        if nxt is None:
            nxt = node[p] = {}
        if not isinstance(nxt, dict):
            raise ConfigError(f"{p!r} is a value, not a table", key=dotted)
        node = nxt
    node[parts[-1]] = value
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"
