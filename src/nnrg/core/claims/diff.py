"""Which verdicts moved between two runs: the claims whose status or value changed.

Input: the ``claims`` lists of two ``reports/records/claims.json`` files (the report stage's
output: one entry per claim with ``id``, ``status``, ``value``, ``error``). A value counts as
changed when it differs beyond ``rel_tol`` (relative; default 1e-9, so a rebuild that differs
only in the last digits of a float is not a change); a status change is always listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from nnrg.core.claims.rules import fmt


@dataclass(frozen=True)
class ClaimChange:
    """One claim in either run (None: absent there)."""

    id: str
    status_a: str | None
    status_b: str | None
    value_a: Any
    value_b: Any
    error_a: Any
    error_b: Any

    @property
    def status_changed(self) -> bool:
        return self.status_a != self.status_b


def _same(a: Any, b: Any, rel_tol: float) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=0.0)
    return a == b


def changes(a: list[dict], b: list[dict], rel_tol: float = 1e-9) -> list[ClaimChange]:
    """The claims (in id order) whose status or value differs between runs ``a`` and ``b``,
    or that exist in one run only."""
    by_a, by_b = {c["id"]: c for c in a}, {c["id"]: c for c in b}
    out = []
    for cid in sorted(by_a.keys() | by_b.keys()):
        ca, cb = by_a.get(cid, {}), by_b.get(cid, {})
        change = ClaimChange(cid, ca.get("status"), cb.get("status"), ca.get("value"),
                             cb.get("value"), ca.get("error"), cb.get("error"))  # fmt: skip
        if change.status_changed or not _same(change.value_a, change.value_b, rel_tol):
            out.append(change)
    return out


def _value(value: Any, error: Any) -> str:
    if value is None:
        return "—"
    text = fmt(value) if isinstance(value, int | float) else str(value)
    return f"{text} ± {fmt(error)}" if isinstance(error, int | float) else text


def render(rows: list[ClaimChange], name_a: str, name_b: str, status_only: bool = False) -> str:
    """A Markdown table of the changes (``status_only``: the status changes alone)."""
    shown = [r for r in rows if r.status_changed or not status_only]
    if not shown:
        return (
            f"no claim {'changed status' if status_only else 'changed'} from {name_a} to {name_b}"
        )
    lines = [f"| claim | status at {name_a} | status at {name_b} | value at {name_a} "
             f"| value at {name_b} |", "|---|---|---|---|---|"]  # fmt: skip
    for r in shown:
        sa, sb = r.status_a or "(absent)", r.status_b or "(absent)"
        mark = f"**{sb}**" if r.status_changed else sb
        lines.append(f"| `{r.id}` | {sa} | {mark} | {_value(r.value_a, r.error_a)} "
                     f"| {_value(r.value_b, r.error_b)} |")  # fmt: skip
    moved = sum(r.status_changed for r in shown)
    lines.append(f"\n{len(shown)} claim(s) listed, {moved} with a new status.")
    return "\n".join(lines)
