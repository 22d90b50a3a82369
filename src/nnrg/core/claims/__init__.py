"""The claims engine: every paper claim in the studies' ``claims.yaml`` judged by stated rules.

Statuses (their meanings are stated here once; the report header prints ``STATUS_MEANINGS``):

- *reproduced*: under the paper's conditions, our value passes the claim's test, the test
  would have rejected the claim's contradiction at our error.
- *not reproduced*: under the paper's conditions, the test fails: our value differs from the
  paper's by more than its stated precision plus K standard errors (or has the other sign, or
  is clearly on the wrong side of the bound).
- *disputed*: the claim fails, cannot be decided, or cannot be run at the paper's settings,
  and a stated alternative explanation passes its own test under matching conditions.
- *inconclusive*: our error is too large to decide either way (the value is not resolved from
  zero, straddles a bound, or the test would pass at the contradiction or at the null too), or
  it is incomplete (the value passes through a trained component and the error does not
  include >= 3 independent retrainings of it).
- *not at paper settings*: a condition the claim names as material (epochs, rates, set sizes,
  read-out, normalisation) differs from the paper's: we show our value, the conditions that
  differ, and no verdict.
- *definition*: a mathematical fact or constant, checked but listed apart and never counted as
  a reproduction.
- *pending*: no measurement (the stage that measures it has not run).

The decision rule is in :mod:`nnrg.core.claims.rules`, the order of decisions in
:mod:`nnrg.core.claims.engine`, the tables in :mod:`nnrg.core.claims.report`.
"""

from nnrg.core.claims.check import registry_problems
from nnrg.core.claims.engine import Verdict, evaluate
from nnrg.core.claims.rules import K

STATUSES = (
    "reproduced",
    "not reproduced",
    "disputed",
    "inconclusive",
    "not at paper settings",
    "definition",
    "pending",
)
STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
"""Each status as a number (0 reproduced, 1 not reproduced, 2 disputed, 3 inconclusive, 4 not
at paper settings, 5 definition, 6 pending): MLflow metrics are numbers, so a claim's status
is logged both as this code (to sort and filter runs by) and as a tag (to read)."""
STATUS_MEANINGS = {
    "reproduced": "passes the test under the paper's conditions; the test would have rejected "
    "the stated contradiction and the null (the paper's effect absent) at our error, and the "
    "error includes retraining every trained component",
    "not reproduced": f"fails under the paper's conditions: off by more than the paper's "
    f"precision + {K:g} standard errors, the other sign, or the wrong side "
    f"of a bound",
    "disputed": "fails, cannot be decided, or cannot be run at the paper's settings, and a "
    "stated alternative explanation passes its own test",
    "inconclusive": "our error is too large to decide either way: the value is not resolved, "
    "the test would pass at the contradiction or the null too, or the error leaves out "
    "retraining a trained component (>= 3 seeds)",
    "not at paper settings": "a condition the claim names as material differs from the "
    "paper's: our value and the differing conditions, no verdict",
    "definition": "a mathematical fact or constant: checked, listed apart, never counted as "
    "a reproduction",
    "pending": "no measurement yet",
}

__all__ = [
    "K",
    "STATUSES",
    "STATUS_CODES",
    "STATUS_MEANINGS",
    "Verdict",
    "evaluate",
    "registry_problems",
]
