"""The decision rule: one test of one number, with three outcomes and a reason built from it.

A test compares our value ``v`` (standard error ``s``, from independent replicas, seeds or
bags) with what the paper says. With ``K`` standard errors of slack (one global ``K``):

- ``value``: passes when ``|v - t| <= p + a + K s``, where ``t`` is the paper's number, ``p``
  its stated precision (half a unit in the last digit it quotes, or its own error bar) and ``a``
  an ad hoc tolerance (zero unless the registry gives one with a reason); fails otherwise.
- ``sign``: passes when ``v`` has the expected sign and ``|v| > K s``; fails when it has the
  other sign and ``|v| > K s``; otherwise *undecided* (not resolved from zero).
- ``at_most`` / ``at_least`` (a bound ``B``): passes when ``v + K s <= B`` (resp.
  ``v - K s >= B``), fails when ``v - K s > B`` (resp. ``v + K s < B``), else undecided.
- ``between`` (``[lo, hi]``): the two bounds together.
- ``equals``: a count or a yes/no (no error): passes when ``v == t``.

Every outcome carries a reason rendered from the numbers it was decided on (``Outcome.reason``);
no reason is ever fixed prose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

K = 3.0  # standard errors of slack in every test (documented in the report header)
KINDS = ("value", "sign", "at_most", "at_least", "between", "equals")
PASS, FAIL, UNDECIDED = "pass", "fail", "undecided"


def fmt(x: float | None) -> str:
    """The one number format used in every reason (4 significant digits)."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return str(int(x))
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e6):
        return str(int(x))
    return f"{x:.4g}"


def quoted_precision(quoted: str | float | int) -> float | None:
    """Half a unit in the last digit of a number as the paper quotes it; None if not a number.

    >>> quoted_precision("-0.1710"), quoted_precision("0.9"), quoted_precision("-6")
    (5e-05, 0.05, 0.5)
    """
    try:
        d = Decimal(str(quoted).strip())
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    return float(Decimal(5) * Decimal(10) ** (exponent - 1))


def as_number(quoted: str | float | int | None) -> float | None:
    """The paper value as a float, or None where it is qualitative ("> 0", "almost constant")."""
    if quoted is None or isinstance(quoted, bool):
        return None
    try:
        return float(str(quoted).strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Criterion:
    """One test, resolved to numbers: kind, target / bounds, precision and ad hoc tolerance."""

    kind: str
    target: float | None = None
    low: float | None = None
    high: float | None = None
    expected_sign: float = 1.0
    precision: float = 0.0
    tolerance: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown test kind {self.kind!r}; valid: {list(KINDS)}")
        needs = {
            "value": ("target",),
            "equals": ("target",),
            "at_most": ("high",),
            "at_least": ("low",),
            "between": ("low", "high"),
        }.get(self.kind, ())
        for name in needs:
            if getattr(self, name) is None:
                raise ValueError(f"test kind {self.kind!r} needs {name!r}")


@dataclass(frozen=True)
class Outcome:
    """What a test decided (pass / fail / undecided) and why, in numbers."""

    result: str
    reason: str
    margin: float | None = None  # how far inside the test's allowance a pass sits
    allowance: float | None = None  # the slack the test allows (precision, tolerance, K s.e.)


def _passed(reason: str, margin: float, allowance: float) -> Outcome:
    """A pass, its reason ending with how far inside the allowance it sits."""
    share = f", {100 * margin / allowance:.0f} % of {fmt(allowance)}" if allowance > 0 else ""
    return Outcome(PASS, f"{reason} (margin {fmt(margin)}{share})", margin, allowance)


def _slack(error: float | None) -> float:
    return K * error if error is not None and math.isfinite(error) else 0.0


def _err_text(error: float | None) -> str:
    return f"{fmt(K)} × {fmt(error)}" if error is not None and math.isfinite(error) else ""


def decide(test: Criterion, value: float, error: float | None) -> Outcome:
    """Apply ``test`` to our ``value`` with standard error ``error`` (None: no error)."""
    slack = _slack(error)
    v = fmt(value)
    if test.kind == "value":
        assert test.target is not None  # build_test resolves a value test's target
        diff = abs(value - test.target)
        allowed = test.precision + test.tolerance + slack
        terms = [fmt(x) for x in (test.precision, test.tolerance) if x]
        terms += [_err_text(error)] if _err_text(error) else []
        plain = len(terms) == 1 and not _err_text(error)
        limit = fmt(allowed) if plain else " + ".join(terms or ["0"]) + f" = {fmt(allowed)}"
        # rounding-level differences (an exact fit exponent of -1 + 1e-16) are agreement
        ok = diff <= allowed + 1e-12 * max(1.0, abs(test.target))
        text = f"|{v} - {fmt(test.target)}| = {fmt(diff)} {'<=' if ok else '>'} {limit}"
        return _passed(text, max(allowed - diff, 0.0), allowed) if ok else Outcome(FAIL, text)
    if test.kind == "equals":
        ok = value == test.target
        return Outcome(PASS if ok else FAIL, f"{v} {'=' if ok else '!='} {fmt(test.target)}")
    if test.kind == "sign":
        signed = value * test.expected_sign
        want = "+" if test.expected_sign > 0 else "-"
        beyond = f"|{v}| > {_err_text(error)} = {fmt(slack)}" if slack else "no error"
        if abs(value) <= slack or value == 0:
            return Outcome(
                UNDECIDED,
                f"{v} is not resolved from 0 (|{v}| <= "
                f"{_err_text(error) or '0'} = {fmt(slack)}); "
                f"expected sign {want}",
            )
        ok = signed > 0
        text = f"{v} has sign {'+' if value > 0 else '-'} (expected {want}), {beyond}"
        return (
            _passed(text, abs(value) - slack, slack)
            if ok and slack
            else Outcome(PASS if ok else FAIL, text)
        )
    lo = test.low if test.kind in ("at_least", "between") else None
    hi = test.high if test.kind in ("at_most", "between") else None
    lo_eff = None if lo is None else lo - test.tolerance
    hi_eff = None if hi is None else hi + test.tolerance
    clear_in = (lo_eff is None or value - slack >= lo_eff) and (
        hi_eff is None or value + slack <= hi_eff
    )
    clear_out = (lo_eff is not None and value + slack < lo_eff) or (
        hi_eff is not None and value - slack > hi_eff
    )
    bounds = (
        f"[{fmt(lo_eff)}, {fmt(hi_eff)}]"
        if test.kind == "between"
        else f"<= {fmt(hi_eff)}"
        if hi_eff is not None
        else f">= {fmt(lo_eff)}"
    )
    err = f" ± {_err_text(error)}" if slack else ""
    if clear_in:
        room = [value - slack - lo_eff] if lo_eff is not None else []
        room += [hi_eff - value - slack] if hi_eff is not None else []
        text = f"{v}{err} is {bounds}" if test.kind != "between" else f"{v}{err} lies in {bounds}"
        return _passed(text, min(room), slack + test.tolerance)
    if clear_out:
        return Outcome(
            FAIL,
            f"{v}{err} is not {bounds}"
            if test.kind != "between"
            else f"{v}{err} lies outside {bounds}",
        )
    return Outcome(UNDECIDED, f"{v}{err} straddles the bound ({bounds})")
