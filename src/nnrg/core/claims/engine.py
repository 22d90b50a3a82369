"""Evaluate one registry entry against the metrics of a run: the verdict and its reason.

The order of decisions (statuses are defined in :mod:`nnrg.core.claims`):

1. no measurement -> *pending*; ``kind: definition`` -> *definition* (checked, never counted);
2. a condition the claim names differs from the paper's -> *not at paper settings*, unless a
   dispute whose own conditions match passes (-> *disputed*);
3. a claim's value passes through a trained component whose retraining its error leaves out
   (fewer than 3 independent retrainings behind it) -> *inconclusive*, pass or fail: an
   incomplete error decides neither (validation checks judge the one instance the claims
   read, so they are exempt);
4. the test fails -> *disputed* if the claim's dispute passes, else *not reproduced*;
5. the test is undecided -> *disputed* if the claim's dispute passes (the alternative
   explains what the measurement shows), else *inconclusive*; the test passes but would
   pass at the claim's contradiction or at its null (the value were the paper's effect
   absent) too, with our error -> *inconclusive*;
6. otherwise -> *reproduced*, *marginal* when the pass is by less than one s.e. or 10 % of
   the test's allowance.

A condition that differs from the paper's is free only with our own evidence: a ladder of at
least 3 settings over which the quantity moves less than the test's allowance.

Every analysis choice the claim lists is run through the same test; the verdict is *fragile*
when the choices' outcomes (pass, fail, undecided) disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from nnrg.core.claims.rules import (
    FAIL,
    PASS,
    UNDECIDED,
    Criterion,
    K,
    Outcome,
    as_number,
    decide,
    fmt,
)
from nnrg.core.claims.rules import quoted_precision as _quoted_precision
from nnrg.core.metrics import MetricTree, lookup, node_at

KINDS = ("claim", "validation", "definition")
KEYS = {
    "id",
    "paper",
    "study",
    "kind",
    "where",
    "statement",
    "paper_value",
    "paper_error",
    "paper_error_reason",
    "metric",
    "error",
    "n",
    "test",
    "tolerance",
    "tolerance_reason",
    "contradiction",
    "conditions",
    "choices",
    "procedure",
    "dispute",
    "context",
    "resolved",
    "beside",
    "quote",
    "null",
    "null_reason",
    "trained",
    "retrained",
    "exact",
}
FREE_KEYS = {"why", "evidence"}
RUNG_KEYS = {"setting", "metric", "error"}
CHOICE_KEYS = {"label", "metric", "error", "target"}
MIN_RUNGS = 3  # our setting and at least two others
MARGINAL_SHARE = 0.1  # a pass by less than this share of the allowance is marginal
MIN_RETRAINED = 3  # independent retrainings of every trained component behind an error
TEST_KEYS = {"kind", "target", "target_error", "bound", "low", "high", "expected"}
DISPUTE_KEYS = {
    "metric",
    "error",
    "test",
    "tolerance",
    "tolerance_reason",
    "why",
    "conditions",
    "contradiction",
}
N_SIBLINGS = ("n", "n_bags", "n_seeds", "n_replicas")
RAN_WITH = "ran_with"


class Unrecorded(LookupError):
    """A stage's metrics predate ``ran_with``: its conditions cannot be compared."""


@dataclass(frozen=True)
class Condition:
    """One condition a claim names: what the paper ran, what we ran, and whether they match."""

    key: str
    paper: Any
    ours: Any
    matched: bool
    free: str | None = None  # why it is free: our ladder's spread against the allowance
    material: bool = True  # differing and not shown free by our own evidence

    @property
    def differs(self) -> bool:
        """Differs from the paper's and our evidence does not make it free."""
        return not self.matched and self.material


@dataclass(frozen=True)
class Beside:
    """The same quantity in another result set, shown next to ours and never judged (the
    default profile's value beside a claim judged at the paper's budget)."""

    label: str
    value: float | None
    error: float | None


@dataclass(frozen=True)
class Choice:
    """The claim's test under one analysis choice (the paper's procedure first)."""

    label: str
    value: float | None
    error: float | None
    result: str | None
    reason: str


@dataclass(frozen=True)
class Verdict:
    """One row of the claims table."""

    id: str
    paper: str
    study: str
    kind: str
    statement: str
    where: str
    paper_value: Any
    value: float | None
    error: float | None
    n: float | None
    status: str
    reason: str
    conditions: list[Condition] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    fragile: bool = False
    ad_hoc: str | None = None
    context: str | None = None
    beside: list[Beside] = field(default_factory=list)
    quote: str | None = None
    marginal: bool = False
    result_set: str | None = None  # the result set read (None: the default profile)


def check_keys(claim: dict) -> None:
    """Reject unknown keys and missing required ones, naming the claim and the key."""
    cid = claim.get("id", "?")
    for key in ("id", "paper", "statement", "metric", "test"):
        if key not in claim:
            raise ValueError(f"claim {cid}: missing required key {key!r}")
    if None in claim:
        raise ValueError(f'claim {cid}: a key reads as YAML null: write the null key as "null":')
    for name, allowed, given in (
        ("claim", KEYS, claim),
        ("test", TEST_KEYS, claim["test"]),
        ("dispute", DISPUTE_KEYS, claim.get("dispute") or {}),
    ):
        unknown = sorted(set(given) - allowed)
        if unknown:
            raise ValueError(
                f"claim {cid}: unknown {name} key {unknown[0]!r}; valid: {sorted(allowed)}"
            )
    if claim.get("kind", "claim") not in KINDS:
        raise ValueError(f"claim {cid}: kind must be one of {list(KINDS)}")
    if claim.get("tolerance") and not claim.get("tolerance_reason"):
        raise ValueError(f"claim {cid}: an ad hoc tolerance needs a tolerance_reason")
    for ch in claim.get("choices") or []:
        unknown = sorted(set(ch) - CHOICE_KEYS)
        if unknown:
            raise ValueError(f"claim {cid}: unknown choice key {unknown[0]!r}")
        if "target" in ch and claim["test"].get("kind", "value") != "value":
            raise ValueError(f"claim {cid}: a choice's own target needs a value test")
    if claim.get("null") is not None and not claim.get("null_reason"):
        raise ValueError(f"claim {cid}: a null needs a null_reason")
    for key, want in (claim.get("conditions") or {}).items():
        free = want.get("free") if isinstance(want, dict) else None
        if free is None:
            continue
        if not isinstance(free, dict):
            raise ValueError(
                f"claim {cid}: condition {key!r} is free without evidence: give "
                f"free: {{why, evidence: [{{setting, metric, error}}, ...]}} (our own ladder) "
                f"or make it material and put the paper's sentence in context"
            )
        unknown = sorted(set(free) - FREE_KEYS) or sorted(
            {k for rung in free.get("evidence") or [] for k in rung} - RUNG_KEYS
        )
        if unknown:
            raise ValueError(f"claim {cid}: condition {key!r}: unknown free key {unknown[0]!r}")


def _error_n(metrics: dict[str, MetricTree], error_ref: Any, n_ref: Any) -> float | None:
    if n_ref is not None:
        return lookup(metrics, n_ref)
    if isinstance(error_ref, str) and "." in error_ref:
        parent = error_ref.rsplit(".", 1)[0]
        for sibling in N_SIBLINGS:
            n = lookup(metrics, f"{parent}.{sibling}")
            if n is not None:
                return n
    return None


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def build_test(
    spec: dict, claim: dict, metrics: dict[str, MetricTree], tolerance: float = 0.0
) -> Criterion | None:
    """The test with every reference resolved; None if a referenced number is missing."""
    kind = spec.get("kind", "value")
    paper = as_number(claim.get("paper_value"))
    precision = 0.0
    target = None
    if kind in ("value", "equals"):
        if "target" in spec:
            target = lookup(metrics, spec["target"])
        else:
            target = paper
            if kind == "value":
                given = claim.get("paper_error")
                precision = (
                    float(given)
                    if given is not None
                    else _quoted_precision(claim.get("paper_value", "")) or 0.0
                )
        if target is None:
            return None
    low = lookup(metrics, spec.get("low", spec.get("bound") if kind == "at_least" else None))
    high = lookup(metrics, spec.get("high", spec.get("bound") if kind == "at_most" else None))
    if (kind in ("at_least", "between") and low is None) or (
        kind in ("at_most", "between") and high is None
    ):
        return None
    return Criterion(
        kind,
        target=target,
        low=low,
        high=high,
        expected_sign=float(spec.get("expected", 1.0)),
        precision=precision,
        tolerance=float(tolerance),
    )


def _matches(paper: Any, ours: Any, rel_tol: float) -> bool:
    if isinstance(paper, bool) or isinstance(ours, bool) or isinstance(paper, str):
        return paper == ours
    if isinstance(paper, int | float) and isinstance(ours, int | float):
        return math.isclose(float(paper), float(ours), rel_tol=rel_tol, abs_tol=1e-12)
    if isinstance(paper, list) and isinstance(ours, list) and len(paper) == len(ours):
        return all(_matches(a, b, rel_tol) for a, b in zip(paper, ours, strict=True))
    return paper == ours


def condition_value(key: str, metrics: dict[str, MetricTree], stage: str) -> tuple[bool, Any]:
    """What we ran with for ``key``: a metric reference ``stage:dotted.key``, or a param /
    method fact ``section.dotted.key`` from the claim's stage's ``ran_with`` (then any
    stage's). Returns (found, value)."""
    if ":" in key:
        value = node_at(metrics, key)
        return value is not None, value
    for name in [stage, *sorted(metrics)]:
        ran = (metrics.get(name) or {}).get(RAN_WITH) or {}
        if key in ran:
            return True, ran[key]
    return False, None


_MISSING = object()


def conditions_of(spec: dict | None, metrics: dict[str, MetricTree], stage: str) -> list[Condition]:
    """Compare each named condition with what the run recorded; unknown keys are an error."""
    out = []
    for key, want in (spec or {}).items():
        rule = want if isinstance(want, dict) else {"value": want}
        found, ours = condition_value(key, metrics, stage)
        if not found:
            if ":" in key:
                raise Unrecorded(f"the run has no metric {key} (a condition)")
            if RAN_WITH not in (metrics.get(stage) or {}):
                raise Unrecorded(f"{stage} did not record the conditions it ran with: rerun it")
            raise ValueError(f"condition {key!r}: the run recorded no such param")
        matched = _matches(rule["value"], ours, float(rule.get("rel_tol", 0.0)))
        out.append(Condition(key, rule["value"], ours, matched))
    return out


def allowance(test: Criterion, error: float | None) -> float:
    """How far the quantity may move and still pass the same way: the paper's precision (a
    value test), the ad hoc tolerance and K standard errors."""
    slack = K * error if error is not None else 0.0
    return (test.precision if test.kind == "value" else 0.0) + test.tolerance + slack


def judge_free(
    cond: Condition, spec: Any, test: Criterion, error: float | None, metrics: dict[str, MetricTree]
) -> Condition:
    """``cond`` with our ladder over it judged: free when >= MIN_RUNGS settings were measured
    and the quantity moves less than the test's allowance across them, else material (with
    the reason in ``free``). For a value test the allowance is a distance (the paper's
    precision, the ad hoc tolerance and K s.e.); a sign or bound test allows any value on the
    same side, so there the ladder must give the same decided outcome on every rung (each
    rung at its own s.e., or ours where it has none)."""
    free = spec.get("free") if isinstance(spec, dict) else None
    if cond.matched or not isinstance(free, dict):
        return cond
    rungs = [
        (
            r.get("setting"),
            lookup(metrics, r.get("metric")),
            _finite(lookup(metrics, r.get("error"))),
        )
        for r in free.get("evidence") or []
    ]
    measured = [(s, v, e) for s, v, e in rungs if v is not None]
    settings = {str(s) for s, _, _ in measured}
    if len(settings) < MIN_RUNGS:
        note = f"material: our ladder has {len(settings)} measured settings (need {MIN_RUNGS})"
        return replace(cond, free=note)
    shown = ", ".join(f"{s}: {fmt(v)}" for s, v, _ in measured)
    if test.kind in ("value", "equals"):
        allowed = allowance(test, error)
        spread = max(v for _, v, _ in measured) - min(v for _, v, _ in measured)
        if spread < allowed:
            note = f"free: our ladder ({shown}) moves it by {fmt(spread)} < {fmt(allowed)}"
            return replace(cond, free=note, material=False)
        note = f"material: our ladder ({shown}) moves it by {fmt(spread)} >= {fmt(allowed)}"
        return replace(cond, free=note)
    outcomes = {decide(test, v, e if e is not None else error).result for _, v, e in measured}
    if len(outcomes) == 1 and UNDECIDED not in outcomes:
        note = f"free: every rung of our ladder ({shown}) gives the same outcome ({outcomes.pop()})"
        return replace(cond, free=note, material=False)
    note = f"material: the rungs of our ladder ({shown}) give {', '.join(sorted(outcomes))}"
    return replace(cond, free=note)


def _cond_text(c: Condition) -> str:
    def show(x: Any) -> str:
        return fmt(x) if isinstance(x, int | float) and not isinstance(x, bool) else str(x)

    note = f" ({c.free})" if c.free else ""
    return f"{c.key} = {show(c.ours)} (paper: {show(c.paper)}){note}"


def _falsifiable(test: Criterion, claim: dict, error: float | None) -> Outcome | None:
    """None if the test rejects the claim's contradiction at our error; else the outcome at
    the contradiction (the test would pass there too)."""
    c = claim.get("contradiction")
    if c is None:
        return None
    at_c = decide(test, float(c), error)
    return at_c if at_c.result == PASS else None


def _dispute(
    claim: dict, metrics: dict[str, MetricTree], stage: str, error: float | None
) -> str | None:
    d = claim.get("dispute")
    if not d:
        return None
    value = lookup(metrics, d.get("metric", claim["metric"]))
    if value is None:
        return None
    test = build_test(
        d["test"],
        {**claim, **({"paper_value": None} if "target" in d["test"] else {})},
        metrics,
        d.get("tolerance", 0.0),
    )
    if test is None:
        return None
    d_err = _finite(lookup(metrics, d["error"])) if "error" in d else None
    spec = d.get("conditions", claim.get("conditions")) or {}
    conds = [
        judge_free(c, spec[c.key], test, d_err, metrics)
        for c in conditions_of(spec, metrics, stage)
    ]
    if any(c.differs for c in conds):
        return None
    out = decide(test, value, d_err)
    if out.result != PASS:
        return None
    return f"{d['why']} ({out.reason})"


def evaluate(claim: dict, metrics: dict[str, MetricTree]) -> Verdict:
    """Verdict for one claim given ``{stage: metrics}`` (see the module docstring)."""
    check_keys(claim)
    stage = claim["metric"].split(":")[0]
    kind = claim.get("kind", "validation" if claim["paper"] == "validation" else "claim")
    value = lookup(metrics, claim["metric"])
    error = _finite(lookup(metrics, claim.get("error")))
    n = _error_n(metrics, claim.get("error"), claim.get("n"))
    base: dict[str, Any] = dict(
        id=claim["id"],
        paper=claim["paper"],
        study=str(claim.get("study", claim["paper"])),
        kind=kind,
        statement=claim["statement"],
        where=claim.get("where", ""),
        paper_value=claim.get("paper_value"),
        value=value,
        error=error,
        n=n,
        ad_hoc="; ".join(
            f"{who}: {why}"
            for who, why in (
                ("test", claim.get("tolerance_reason")),
                ("dispute", (claim.get("dispute") or {}).get("tolerance_reason")),
            )
            if why
        )
        or None,
        context=claim.get("context"),
        quote=claim.get("quote"),
        beside=[
            Beside(
                b["label"], lookup(metrics, b["metric"]), _finite(lookup(metrics, b.get("error")))
            )
            for b in claim.get("beside") or []
        ],
    )
    # a target measured by us too (another system, another layer): its error counts as well
    target_error = _finite(lookup(metrics, claim["test"].get("target_error")))
    if target_error is not None:
        error = math.hypot(error or 0.0, target_error)
    unresolved = _unresolved(claim, metrics, value)
    if value is None and unresolved is None:
        return Verdict(**base, status="pending", reason=f"no measurement yet ({claim['metric']})")
    test = build_test(claim["test"], claim, metrics, claim.get("tolerance", 0.0))
    if test is None:
        return Verdict(**base, status="pending", reason="a number the test refers to is missing")
    outcome = unresolved if unresolved is not None else decide(test, float(value or 0), error)
    if kind == "definition":
        word = "agrees" if outcome.result == PASS else "differs"
        return Verdict(**base, status="definition", reason=f"{word}: {outcome.reason}")
    try:
        spec = claim.get("conditions") or {}
        conds = [
            judge_free(c, spec[c.key], test, error, metrics)
            for c in conditions_of(spec, metrics, stage)
        ]
    except Unrecorded as exc:
        return Verdict(**base, status="pending", reason=str(exc))
    choices = [_choice(claim.get("procedure", "as the paper reads it"), value, error, outcome)]
    for ch in claim.get("choices") or []:
        cv = lookup(metrics, ch["metric"])
        ce = _finite(lookup(metrics, ch.get("error")))
        # a choice in another normalisation states the claim's target in its own units
        own = test if "target" not in ch else replace(test, target=float(ch["target"]))
        choices.append(
            _choice(ch["label"], cv, ce, decide(own, cv, ce) if cv is not None else None)
        )
    results = {c.result for c in choices} - {None}
    extra: dict[str, Any] = dict(
        conditions=conds, choices=choices if len(choices) > 1 else [], fragile=len(results) > 1
    )
    # params first, then the fixed facts of the method (".method." keys)
    differing = sorted((c for c in conds if c.differs), key=lambda c: ".method." in c.key)
    if differing:
        differ = "conditions differ: " + "; ".join(_cond_text(c) for c in differing)
        disputed = _dispute(claim, metrics, stage, error)
        if disputed:
            return Verdict(
                **base,
                **extra,
                status="disputed",
                reason=f"{disputed}; our own measurement: {differ}, {outcome.reason}",
            )
        caveat = _at_our_settings_caveat(test, claim, metrics, error, outcome)
        return Verdict(
            **base,
            **extra,
            status="not at paper settings",
            reason=f"{differ}. At our settings: {outcome.reason}{caveat}",
        )
    missing = _missing_retraining(claim, metrics, error) if kind == "claim" else None
    if missing is not None:
        return Verdict(
            **base, **extra, status="inconclusive", reason=f"{missing}; {outcome.reason}"
        )
    if outcome.result == FAIL:
        disputed = _dispute(claim, metrics, stage, error)
        if disputed:
            return Verdict(
                **base, **extra, status="disputed", reason=f"{outcome.reason}; {disputed}"
            )
        return Verdict(**base, **extra, status="not reproduced", reason=outcome.reason)
    if outcome.result == UNDECIDED:
        disputed = _dispute(claim, metrics, stage, error)
        if disputed:  # no budget decides it, and the alternative explains what is seen
            return Verdict(
                **base, **extra, status="disputed", reason=f"{outcome.reason}; {disputed}"
            )
        return Verdict(**base, **extra, status="inconclusive", reason=outcome.reason)
    at_c = _falsifiable(test, claim, error)
    if at_c is not None:
        return Verdict(
            **base,
            **extra,
            status="inconclusive",
            reason=(
                f"{outcome.reason}, but our error cannot reject the contradiction "
                f"{fmt(float(claim['contradiction']))} either: {at_c.reason}"
            ),
        )
    null = null_value(claim, metrics)
    if null is not None:
        at_null = decide(test, null, error)
        if at_null.result == PASS:
            return Verdict(
                **base,
                **extra,
                status="inconclusive",
                reason=(
                    f"{outcome.reason}, but the test passes at the null {fmt(null)} too "
                    f"({claim['null_reason']}): {at_null.reason}"
                ),
            )
    return Verdict(
        **base,
        **extra,
        status="reproduced",
        reason=outcome.reason,
        marginal=is_marginal(outcome, error),
    )


def _at_our_settings_caveat(
    test: Criterion, claim: dict, metrics: dict[str, MetricTree], error: float | None, out: Outcome
) -> str:
    """What a pass at our (differing) settings would not show: that it passes at the null or
    the contradiction too, or only by a sliver; empty when there is nothing to say."""
    if out.result != PASS:
        return ""
    notes = []
    null = null_value(claim, metrics)
    if null is not None and decide(test, null, error).result == PASS:
        notes.append(f"it would pass at the null {fmt(null)} too")
    if _falsifiable(test, claim, error) is not None:
        notes.append(f"it would pass at the contradiction {fmt(float(claim['contradiction']))} too")
    if is_marginal(out, error):
        notes.append("the pass is marginal")
    return f" ({'; '.join(notes)})" if notes else ""


def null_value(claim: dict, metrics: dict[str, MetricTree]) -> float | None:
    """The claim's null as a number: a literal, or a control's metric (None where absent)."""
    return lookup(metrics, claim.get("null"))


def is_marginal(outcome: Outcome, error: float | None) -> bool:
    """A pass by less than one standard error or less than 10 % of the test's allowance."""
    if outcome.result != PASS or outcome.margin is None:
        return False
    by_error = error is not None and outcome.margin < error
    return by_error or outcome.margin < MARGINAL_SHARE * (outcome.allowance or 0.0)


def _missing_retraining(
    claim: dict, metrics: dict[str, MetricTree], error: float | None
) -> str | None:
    """Why the error is incomplete: the value passes through trained components and the
    error does not include >= MIN_RETRAINED independent retrainings; None when it does."""
    trained = claim.get("trained") or []
    if not trained:
        return None
    count = lookup(metrics, claim.get("retrained"))
    parts = ", ".join(trained)
    if error is None:
        return f"no retraining variance: no error over retrained {parts}"
    if count is None or count < MIN_RETRAINED:
        shown = "not counted" if count is None else fmt(count)
        return (
            f"no retraining variance: the error includes {shown} retrainings of {parts} "
            f"(need >= {MIN_RETRAINED})"
        )
    return None


def _unresolved(claim: dict, metrics: dict[str, MetricTree], value: float | None) -> Outcome | None:
    """An undecided outcome when too few of the points behind a fit are resolved from noise
    (``resolved: {metric: count, at_least: n}``); None when enough are."""
    spec = claim.get("resolved")
    if not spec:
        return None
    count = lookup(metrics, spec["metric"])
    need = float(spec.get("at_least", 1))
    if count is None or count >= need:
        return None
    fitted = "" if value is None else f"; the fit over them gives {fmt(value)}"
    target = as_number(claim.get("paper_value"))
    if target is not None and "target" not in claim.get("test", {}):
        fitted += f" (paper: {fmt(target)})"
    return Outcome(
        UNDECIDED,
        f"only {fmt(count)} of the points behind {claim['metric']} are "
        f"resolved from zero (a fit needs >= {fmt(need)}){fitted}",
    )


def paper_bound(quoted: Any) -> float | None:
    """The number in a quoted bound ("> 0", "<= 1", ">= 2"), or the number itself."""
    text = str(quoted).strip().lstrip("<>=~ ")
    return as_number(text)


def _choice(label: str, value: float | None, error: float | None, out: Outcome | None) -> Choice:
    if out is None:
        return Choice(label, value, error, None, "no measurement")
    return Choice(label, value, error, out.result, out.reason)
