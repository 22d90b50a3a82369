"""The registry check: what makes a row untrustworthy, found before any verdict is read.

``make test`` runs it on the committed registry and records (``tests/core/test_claims.py``);
``python -m nnrg claims`` prints it. Each guard has a test that shows it catching a crafted
bad row.
"""

from __future__ import annotations

from typing import Any

from nnrg.core.claims.engine import build_test, evaluate, paper_bound
from nnrg.core.claims.rules import PASS, as_number, decide, fmt
from nnrg.core.claims.sets import places
from nnrg.core.metrics import MetricTree, lookup, node_at

_MISSING = object()
QUOTED_KINDS = ("claim", "definition")  # rows that state the paper's words


def _refs(claim: dict) -> list[Any]:
    """Every metric reference a row makes (strings with a ``stage:`` part)."""
    dispute = claim.get("dispute") or {}
    return [
        claim["metric"],
        *(claim.get(k) for k in ("error", "n", "retrained", "null")),
        *(claim["test"].get(k) for k in ("target", "target_error", "bound", "low", "high")),
        *(ch.get(k) for ch in claim.get("choices") or [] for k in ("metric", "error")),
        *(b.get(k) for b in claim.get("beside") or [] for k in ("metric", "error")),
        *(dispute.get(k) for k in ("metric", "error")),
        (claim.get("resolved") or {}).get("metric"),
        *(
            k
            for spec in (claim.get("conditions"), dispute.get("conditions"))
            for k in (spec or {})
            if ":" in k
        ),
        *(
            rung.get(k)
            for want in (claim.get("conditions") or {}).values()
            if isinstance(want, dict) and isinstance(want.get("free"), dict)
            for rung in want["free"].get("evidence") or []
            for k in ("metric", "error")
        ),
    ]


def _missing_refs(claim: dict, metrics: dict[str, MetricTree]) -> list[str]:
    """References that resolve in none of the places the claim is read."""
    missing: set[str] | None = None
    for _, placed in places(claim, metrics):
        here = {
            ref
            for ref in _refs(placed)
            if isinstance(ref, str) and ":" in ref and node_at(metrics, ref, _MISSING) is _MISSING
        }
        # compare by the unplaced reference, so that a set's prefix does not hide a match
        here = {r.split("/", 1)[1] if "/" in r.split(":", 1)[0] else r for r in here}
        missing = here if missing is None else missing & here
    return sorted(missing or ())


def registry_problems(
    claims: list[dict],
    metrics: dict[str, MetricTree],
    trained_stages: dict[str, list[str]] | None = None,
) -> list[str]:
    """What makes a registry untrustworthy, one line each (empty: none found):

    - a row of the paper without its words (``quote``), a claim without its ``null``;
    - a row on a stage that trains a component (``trained_stages``) that names none;
    - an s.e. of 0 on a quantity not marked ``exact``;
    - a free condition without our own evidence (``check_keys``);
    - a test that cannot fail: with no error it passes at the claim's contradiction, or a
      value test fails at the paper's own value, or a non-definition claim names no
      contradiction;
    - a metric, error, bound or choice the registry refers to that the run does not have;
    - a condition key the run did not record;
    - a rendered reason that does not contain the numbers it was decided on.
    """
    problems = []
    ids = [str(c.get("id")) for c in claims]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{dup}: duplicate id")
    for claim in claims:
        cid = claim.get("id", "?")
        try:
            verdict = evaluate(claim, metrics)
        except ValueError as exc:
            problems.append(f"{cid}: {exc}")
            continue
        problems += [f"{cid}: the run has no metric {ref}" for ref in _missing_refs(claim, metrics)]
        problems += [f"{cid}: {p}" for p in _row_problems(claim, verdict.kind, trained_stages)]
        error = lookup(metrics, claim.get("error"))
        if error == 0 and not claim.get("exact"):
            problems.append(
                f"{cid}: an s.e. of 0 on a quantity not marked exact (a missing variance)"
            )
        if verdict.status == "pending":
            continue
        test = build_test(claim["test"], claim, metrics, claim.get("tolerance", 0.0))
        if test is None:  # reported as pending above
            continue
        if verdict.kind != "definition":
            if claim.get("contradiction") is None:
                problems.append(f"{cid}: no contradiction declared")
            elif decide(test, float(claim["contradiction"]), None).result == PASS:
                problems.append(
                    f"{cid}: the test passes at its contradiction "
                    f"{claim['contradiction']}: it cannot fail"
                )
        literal = [
            claim["test"].get(k)
            for k in ("bound", "low", "high")
            if isinstance(claim["test"].get(k), int | float)
        ]
        if (
            verdict.kind != "definition"
            and not claim.get("tolerance_reason")
            and any(b != paper_bound(claim.get("paper_value")) for b in literal)
        ):
            problems.append(
                f"{cid}: a literal bound that is not the paper's value needs a tolerance_reason"
            )
        paper = as_number(claim.get("paper_value"))
        if (
            test.kind == "value"
            and "target" not in claim["test"]
            and paper is not None
            and (decide(test, paper, None).result != PASS)
        ):
            problems.append(f"{cid}: the test fails at the paper's own value")
        if verdict.value is not None and fmt(verdict.value) not in verdict.reason:
            problems.append(f"{cid}: the reason does not show our value {fmt(verdict.value)}")
        if test.kind in ("value", "equals") and fmt(test.target) not in verdict.reason:
            problems.append(f"{cid}: the reason does not show the target {fmt(test.target)}")
    return problems


def _row_problems(claim: dict, kind: str, trained_stages: dict[str, list[str]] | None) -> list[str]:
    """The guards that read the row alone: its words, its null, its trained components."""
    out = []
    if kind in QUOTED_KINDS and not str(claim.get("quote") or "").strip():
        out.append("no quote: give the paper's exact words (and `where`)")
    if kind in QUOTED_KINDS and not claim.get("where"):
        out.append("no `where`: the section, figure or equation the quote is from")
    if kind == "claim" and claim.get("null") is None:
        out.append("no null: what the measurement gives were the paper's effect absent")
    stage = claim["metric"].split(":", 1)[0].rsplit("/", 1)[-1]
    components = (trained_stages or {}).get(stage)
    if components and kind != "definition" and "trained" not in claim:
        out.append(
            f"reads {stage}, which trains {', '.join(components)}: name the row's `trained` "
            f"components (an empty list where the value passes through none)"
        )
    unknown = sorted(
        set(claim.get("trained") or []) - set(components or claim.get("trained") or [])
    )
    if unknown:
        out.append(f"trained component {unknown[0]!r} is not one {stage} trains")
    return out
