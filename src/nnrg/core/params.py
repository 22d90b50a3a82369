"""Typed, validated parameters: one frozen dataclass per ``params.yaml`` section.

The dataclass defaults *are* the default profile; ``profiles/<name>.yaml`` overlays change
some keys (tiny: for tests; paper: the papers' own sample counts and epochs).
``load_params`` rejects unknown keys and out-of-range values with a message naming the key.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast, get_args, get_origin, get_type_hints


def _bound(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    choices: tuple | None = None,
) -> dict:
    return {"lo": lo, "hi": hi, "lo_open": lo_open, "hi_open": hi_open, "choices": choices}


def _copier(default: list | dict) -> Callable[[], list | dict]:
    """A default factory: a fresh shallow copy of ``default`` (same type) per instance."""

    def copy() -> list | dict:
        return type(default)(default)

    return copy


def param(default: Any, lo: float | None = None, hi: float | None = None, **kw: Any) -> Any:
    """A dataclass field with a default and a validated range (or ``choices``)."""
    meta = _bound(lo, hi, **kw)
    if isinstance(default, list | dict):
        return field(default_factory=_copier(default), metadata=meta)
    return field(default=default, metadata=meta)


PARALLEL_BACKENDS = ("serial", "ray")  # see nnrg.core.fanout


def overridden(setting: str, env: str, key: str) -> tuple[str, str]:
    """Param ``key``'s value ``setting``, unless environment variable ``env`` is set (it
    wins), lower-cased, with where it came from (``$ENV`` or the key) for a one-line error.

    >>> overridden("Ray", "NNRG_UNSET_FOR_DOCTEST", "pipeline.parallel")
    ('ray', 'pipeline.parallel')
    """
    if os.environ.get(env):
        return os.environ[env].strip().lower(), f"${env}"
    return setting.strip().lower(), key


@dataclass(frozen=True)
class PipelineParams:
    """Pipeline-wide settings."""

    profile: str = param("default")  # the profile it was generated from (profiles/<name>.yaml)
    experiment: str = param("nnrg")
    # where torch computes: auto (CUDA when available, else CPU), cpu, cuda, cuda:N;
    # $NNRG_DEVICE overrides it (see nnrg.core.devices)
    device: str = param("auto")
    # how the heavy stages run their independent units: serial (in the stage's process) or
    # ray (local workers, or the cluster at $RAY_ADDRESS); $NNRG_PARALLEL overrides it
    parallel: str = param("ray", choices=PARALLEL_BACKENDS)
    workers: int = param(0, 0, 4096)  # local Ray workers; 0: one per core
    # the HNN epoch under torch.compile with fused Adam (faster, see docs/performance.md);
    # numbers differ from the eager epoch's in the last digits, so the committed result sets
    # run eager; $NNRG_COMPILE=1 turns it on for one run
    compile: bool = param(False)


class ParamsError(ValueError):
    """A parameter is unknown, missing its type, or out of its allowed range."""


def _check_value(key: str, value: Any, hint: Any, meta: dict) -> Any:
    args = get_args(hint)
    if type(None) in args:  # Optional[T]: null is allowed, anything else is checked as T
        if value is None:
            return None
        hint = next(a for a in args if a is not type(None))
    if hint is bool:
        if not isinstance(value, bool):
            raise ParamsError(f"{key} must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamsError(f"{key} must be an integer, got {value!r}")
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{key} must be a number, got {value!r}")
        value = float(value)
        if math.isnan(value):
            raise ParamsError(f"{key} must be a number, got NaN")
    elif hint is str:
        if not isinstance(value, str):
            raise ParamsError(f"{key} must be a string, got {value!r}")
    elif hint is list or get_origin(hint) is list:
        if not isinstance(value, list) or not all(isinstance(v, int | float) for v in value):
            raise ParamsError(f"{key} must be a list of numbers, got {value!r}")
        return [float(v) for v in value]
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ParamsError(f"{key} must be one of {list(choices)}, got {value!r}")
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None or hi is not None:
        below = lo is not None and (value <= lo if meta["lo_open"] else value < lo)
        above = hi is not None and (value >= hi if meta["hi_open"] else value > hi)
        if below or above:
            left = "(" if meta["lo_open"] else "["
            right = ")" if meta["hi_open"] else "]"
            raise ParamsError(f"{key} must be in {left}{lo}, {hi}{right}, got {value!r}")
    return value


def build(cls: type, data: dict | None, prefix: str = "") -> Any:
    """Build dataclass ``cls`` from a mapping, validating every key; missing keys take defaults."""
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ParamsError(f"{prefix or 'params'} must be a mapping, got {type(data).__name__}")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        where = prefix or "params.yaml"
        raise ParamsError(
            f"unknown key {prefix + unknown[0]!r} in {where}; valid keys: {sorted(fields)}"
        )
    kwargs = {}
    for name, f in fields.items():
        if name not in data:
            continue
        hint = hints[name]
        key = prefix + name
        if dataclasses.is_dataclass(hint):
            kwargs[name] = build(cast(type, hint), data[name], key + ".")
        else:
            kwargs[name] = _check_value(key, data[name], hint, dict(f.metadata))
    built = cls(**kwargs)
    check = getattr(built, "check", None)
    if callable(check):  # cross-field rules of the section, named by its dotted key
        check(prefix.rstrip(".") or cls.__name__)
    return built


def require_complete(data: Any, cls: type, where: str = "params.yaml", prefix: str = "") -> None:
    """Every section and key of ``cls`` is present in ``data`` (an empty file or section, a
    missing section or key raises ParamsError naming it)."""
    if not prefix and not data:
        raise ParamsError(
            f"{where} is empty: regenerate it with `python -m nnrg profile "
            f"default` (or tiny, paper)"
        )
    if not isinstance(data, dict):
        raise ParamsError(
            f"{where}: {prefix.rstrip('.') or 'the file'} must be a mapping, "
            f"got {type(data).__name__}"
        )
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        key = prefix + f.name
        if f.name not in data:
            kind = "section" if not prefix else "key"
            raise ParamsError(
                f"{where}: missing {kind} {key!r} (the active params file must "
                f"be complete; `python -m nnrg profile NAME` writes one)"
            )
        if dataclasses.is_dataclass(hints[f.name]):
            if not data[f.name]:
                raise ParamsError(f"{where}: section {key!r} is empty")
            require_complete(data[f.name], hints[f.name], where, key + ".")


def to_dict(params: Any) -> dict:
    """Plain nested dict (for YAML and MLflow)."""
    return dataclasses.asdict(params)


def deep_merge(base: dict, overlay: dict, prefix: str = "") -> dict:
    """``base`` with ``overlay``'s keys replaced recursively; an overlay key not in base fails."""
    out = dict(base)
    for key, value in overlay.items():
        if key not in base:
            raise ParamsError(f"profile overlay key {prefix + key!r} does not exist")
        if isinstance(value, dict) and isinstance(base[key], dict):
            out[key] = deep_merge(base[key], value, prefix + key + ".")
        else:
            out[key] = value
    return out


def flatten(tree: dict, prefix: str = "") -> dict[str, Any]:
    """Flatten a nested dict to dotted keys: {'a': {'b': 1}} -> {'a.b': 1}."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def params_type(sections: dict[str, type]) -> type:
    """The frozen dataclass of a params file holding ``sections`` (name -> section type), in
    that order, each defaulting to its type's defaults: what :func:`build`,
    :func:`require_complete` and :func:`to_dict` take. A stage builds one of its own sections
    only; the CLI builds one of every study's (``nnrg.core.registry.all_sections``)."""
    fields = [(name, cls, field(default_factory=cls)) for name, cls in sections.items()]
    return dataclasses.make_dataclass("Params", fields, frozen=True)


def from_dict(data: dict, sections: dict[str, type]) -> Any:
    """Validated params of ``sections`` from a parsed ``params.yaml`` mapping (other sections
    of the mapping are not read)."""
    return build(params_type(sections), {k: v for k, v in data.items() if k in sections})
