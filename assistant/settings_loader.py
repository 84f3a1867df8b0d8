"""Build frozen settings dataclasses from YAML data, strictly.

Each stage declares its settings as a frozen dataclass with defaults; this module turns a mapping
from `config.yaml` into those dataclasses, so the schema lives in exactly one place (the
dataclasses) and every error names the key path ("mqtt.port: expected an integer, got 'abc'").
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")

_ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    """The configuration is invalid; the message names the key and what to do."""


def expand_env(value: str, path: str) -> str:
    """Replace `${NAME}` (or `${NAME:-default}`) with the environment variable, for secrets."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise ConfigError(f"{path}: environment variable {name} is not set (used as ${{{name}}})")

    return _ENV_PATTERN.sub(replace, value)


def build(cls: type[T], data: Any, path: str) -> T:
    """Instantiate dataclass `cls` from a mapping; unknown keys and wrong types are errors."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys, got {_describe(data)}")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"{_join(path, str(unknown[0]))}: unknown key. Known keys under {path or 'the top level'}: "
            + ", ".join(sorted(fields))
        )
    values = {name: _convert(hints[name], data[name], _join(path, name)) for name in fields if name in data}
    return cls(**values)


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(option, value, path)
            except ConfigError as err:
                errors.append(str(err))
        raise ConfigError(errors[0] if len(errors) == 1 else f"{path}: {_describe(value)} is not allowed here")
    if origin is typing.Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise ConfigError(f"{path}: must be one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value
    if dataclasses.is_dataclass(hint):
        return build(hint, value, path)  # type: ignore[arg-type]
    if hint is Any:
        return _expand_nested(value, path)
    if origin in (tuple, list):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{path}: expected a list, got {_describe(value)}")
        args = get_args(hint)
        item_hint = args[0] if args else Any
        items = [_convert(item_hint, item, f"{path}[{i}]") for i, item in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: expected a mapping, got {_describe(value)}")
        _, value_hint = get_args(hint) or (str, Any)
        return {str(k): _convert(value_hint, v, _join(path, str(k))) for k, v in value.items()}
    return _scalar(hint, value, path)


def _scalar(hint: Any, value: Any, path: str) -> Any:
    if isinstance(value, str):
        value = expand_env(value, path)
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "yes", "on", "false", "no", "off"}:
            return value.lower() in {"true", "yes", "on"}
        raise ConfigError(f"{path}: expected true or false, got {_describe(value)}")
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConfigError(f"{path}: expected an integer, got {_describe(value)}")
        try:
            return int(value)
        except ValueError as err:
            raise ConfigError(f"{path}: expected an integer, got {value!r}") from err
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ConfigError(f"{path}: expected a number, got {_describe(value)}")
        try:
            return float(value)
        except ValueError as err:
            raise ConfigError(f"{path}: expected a number, got {value!r}") from err
    if hint is str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ConfigError(f"{path}: expected text, got {_describe(value)}")
        return str(value)
    raise ConfigError(f"{path}: unsupported setting type {hint!r}")


def _expand_nested(value: Any, path: str) -> Any:
    if isinstance(value, str):
        return expand_env(value, path)
    if isinstance(value, list):
        return [_expand_nested(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _expand_nested(v, _join(path, str(k))) for k, v in value.items()}
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
