"""The claims registry: evaluate each paper claim against our metrics and give a verdict.

A claim (``reports/claims.yaml``) names a metric reference, an optional error reference, and a
test. Status: ``reproduced`` (the test passes), ``not reproduced`` (it fails), ``disputed``
(it fails but the claim's ``dispute`` test passes: the number has another explanation), or
``pending`` (a metric is missing: the stage that measures it has not run). A claim with a
``resolution`` entry whose count metric falls short (say, no point resolved from noise) is
``not reproduced`` with that entry's ``why``: the sample could not resolve the claimed value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from nnrg.metrics import MetricTree, lookup

TESTS = ("within", "at_most", "at_least", "between", "sign")
STATUSES = ("reproduced", "not reproduced", "disputed", "pending")


@dataclass(frozen=True)
class Verdict:
    """One row of the claims table."""

    id: str
    paper: str
    statement: str
    paper_value: Any
    value: float | None
    error: float | None
    status: str
    why: str


def _passes(test: dict, value: float, error: float, metrics: dict[str, MetricTree],
            paper_value: Any) -> tuple[bool | None, str]:
    kind = test.get("kind")
    if kind not in TESTS:
        raise ValueError(f"unknown claim test kind {kind!r}; valid: {list(TESTS)}")
    sigmas = float(test.get("sigmas", 0.0))
    slack = sigmas * (error if math.isfinite(error) else 0.0)
    if kind == "within":
        target = lookup(metrics, test.get("target", paper_value))
        tol = float(test.get("tolerance", 0.0))
        if target is None:
            return None, "target missing"
        ok = abs(value - target) <= tol + slack
        return ok, f"|{value:.4g} - {target:.4g}| {'<=' if ok else '>'} {tol + slack:.3g}"
    if kind in ("at_most", "at_least"):
        bound = lookup(metrics, test.get("bound"))
        if bound is None:
            return None, "bound missing"
        ok = value - slack <= bound if kind == "at_most" else value + slack >= bound
        op = "<=" if kind == "at_most" else ">="
        return ok, f"{value:.4g} {op if ok else 'not ' + op} {bound:.4g}"
    if kind == "between":
        lo, hi = lookup(metrics, test.get("low")), lookup(metrics, test.get("high"))
        if lo is None or hi is None:
            return None, "interval missing"
        ok = lo - slack <= value <= hi + slack
        return ok, f"{value:.4g} {'in' if ok else 'outside'} [{lo:.4g}, {hi:.4g}]"
    expected = float(test.get("expected", 1.0))
    ok = value * math.copysign(1.0, expected) > slack
    return ok, f"sign of {value:.4g} {'is' if ok else 'is not'} {'+' if expected > 0 else '-'}"


def evaluate(claim: dict, metrics: dict[str, MetricTree]) -> Verdict:
    """Verdict for one claim given ``{stage: metrics}``."""
    for key in ("id", "paper", "statement", "metric", "test"):
        if key not in claim:
            raise ValueError(f"claim {claim.get('id', '?')} lacks required key {key!r}")
    value = lookup(metrics, claim["metric"])
    error = lookup(metrics, claim.get("error"))
    base = {"id": claim["id"], "paper": claim["paper"], "statement": claim["statement"],
            "paper_value": claim.get("paper_value"), "value": value, "error": error}
    resolution = claim.get("resolution")
    if resolution is not None:
        count = lookup(metrics, resolution["metric"])
        if count is not None and count < float(resolution.get("at_least", 1)):
            return Verdict(**base, status="not reproduced", why=resolution["why"])
    if value is None:
        return Verdict(**base, status="pending", why=f"no measurement yet ({claim['metric']})")
    err = error if error is not None else float("nan")
    ok, detail = _passes(claim["test"], value, err, metrics, claim.get("paper_value"))
    if ok is None:
        return Verdict(**base, status="pending", why=detail)
    if ok:
        return Verdict(**base, status="reproduced", why=claim.get("why_pass", detail))
    dispute = claim.get("dispute")
    if dispute:
        d_value = lookup(metrics, dispute.get("metric", claim["metric"]))
        if d_value is not None:
            d_ok, d_detail = _passes(dispute["test"], d_value, err, metrics,
                                     claim.get("paper_value"))
            if d_ok:
                return Verdict(**base, status="disputed", why=f"{dispute['why']} ({d_detail})")
    return Verdict(**base, status="not reproduced", why=claim.get("why_fail", detail))


def _fmt(value: Any, error: float | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float):
        text = f"{value:.4g}"
        return text if error is None or not math.isfinite(error) else f"{text} ± {error:.2g}"
    return str(value)


def render_markdown(verdicts: list[Verdict]) -> str:
    """The claims table as Markdown, with a count per status."""
    counts = {s: sum(v.status == s for v in verdicts) for s in STATUSES}
    lines = ["# Claims: what reproduced", "",
             "Generated by the `report` stage from `reports/claims.yaml` and "
             "`reports/metrics/*.json`; do not edit by hand.", "",
             " · ".join(f"{s}: {n}" for s, n in counts.items()), "",
             "| id | paper | claim | paper value | our value | status | why |",
             "|---|---|---|---|---|---|---|"]
    for v in verdicts:
        cells = [v.id, v.paper, v.statement, _fmt(v.paper_value), _fmt(v.value, v.error),
                 f"**{v.status}**", v.why]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
