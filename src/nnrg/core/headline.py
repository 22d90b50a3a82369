"""The headline metrics of each stage: the few scalars ``dvc metrics show`` and ``dvc exp show``
print, written to ``reports/metrics/<stage>.json`` next to the stage's full record
``reports/records/<stage>.json`` (every result, lists and nested tables included, which the
claims and the regression gate read).

Each stage declares the dotted keys of its record (``StageSpec.headline``). A key absent
from a record (a profile that does not compute it) or a value that is not a finite number is
left out of the headline file, so DVC never meets a value it cannot parse; the headline tests
check that every key exists in the committed default records.
"""

from __future__ import annotations

import math
from typing import Any


def value_at(record: dict[str, Any], key: str) -> Any:
    """The value at dotted ``key`` of ``record``, or None where a part is missing.

    >>> value_at({"a": {"b": 2}}, "a.b"), value_at({"a": 1}, "a.c")
    (2, None)
    """
    node: Any = record
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def headline(keys: tuple[str, ...], record: dict[str, Any]) -> dict[str, float | int]:
    """The headline scalars at dotted ``keys`` of ``record`` (a stage declares its keys:
    ``StageSpec.headline``); bools as 0 / 1, missing or non-finite values left out.

    >>> headline(("test_loss",), {"test_loss": 0.5, "train_loss": 0.4})
    {'test_loss': 0.5}
    """
    out: dict[str, float | int] = {}
    for key in keys:
        value = value_at(record, key)
        if isinstance(value, bool):
            out[key] = int(value)
        elif isinstance(value, int | float) and math.isfinite(value):
            out[key] = value
    return out
