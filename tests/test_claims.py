"""Claims registry: test kinds, statuses, and the committed registry's consistency."""

import pytest
import yaml

from nnrg.claims import TESTS, evaluate, render_markdown

METRICS = {"s": {"x": 1.0, "err": 0.1, "c": 0.5}}


def claim(test, **kw):
    return {"id": "c", "paper": "001", "statement": "x is one", "paper_value": 1.02,
            "metric": "s:x", "error": "s:err", "test": test, **kw}


@pytest.mark.parametrize("test, status", [
    ({"kind": "within", "tolerance": 0.05}, "reproduced"),
    ({"kind": "within", "tolerance": 0.01}, "not reproduced"),
    ({"kind": "within", "tolerance": 0.0, "sigmas": 1}, "reproduced"),
    ({"kind": "at_most", "bound": "s:c"}, "not reproduced"),
    ({"kind": "at_least", "bound": "s:c"}, "reproduced"),
    ({"kind": "between", "low": 0.9, "high": 1.1}, "reproduced"),
    ({"kind": "sign", "expected": -1}, "not reproduced"),
    ({"kind": "sign", "expected": 1, "sigmas": 5}, "reproduced"),
])
def test_test_kinds(test, status):
    assert evaluate(claim(test), METRICS).status == status


def test_missing_metric_is_pending():
    v = evaluate(claim({"kind": "within", "tolerance": 1}, metric="t:y"), METRICS)
    assert v.status == "pending" and v.value is None


def test_failed_claim_with_passing_dispute_is_disputed():
    c = claim({"kind": "within", "tolerance": 0.0},
              dispute={"metric": "s:c", "test": {"kind": "at_most", "bound": 1}, "why": "other"})
    v = evaluate(c, METRICS)
    assert v.status == "disputed" and "other" in v.why


def test_unknown_test_kind_is_rejected():
    with pytest.raises(ValueError, match="valid"):
        evaluate(claim({"kind": "roughly"}), METRICS)


def test_markdown_has_a_row_per_claim():
    rows = [evaluate(claim({"kind": "within", "tolerance": 0.05}), METRICS)] * 3
    text = render_markdown(rows)
    assert text.count("| c | 001 |") == 3 and "reproduced: 3" in text


def test_committed_registry_is_well_formed(repo_root):
    from nnrg.cli import STAGES

    claims = yaml.safe_load((repo_root / "reports/claims.yaml").read_text())["claims"]
    ids = [c["id"] for c in claims]
    assert len(ids) == len(set(ids))
    for c in claims:
        assert c["test"]["kind"] in TESTS, c["id"]
        assert c["metric"].split(":")[0] in STAGES, c["id"]


def test_unresolved_measurement_is_not_reproduced_with_its_reason():
    c = claim({"kind": "within", "tolerance": 1},
              resolution={"metric": "s:c", "at_least": 3, "why": "too noisy"})
    v = evaluate(c, METRICS)
    assert v.status == "not reproduced" and v.why == "too noisy"
