"""The claims engine: the decision rule, the statuses and their order, and the committed
registry (every claim can fail, every reason renders its numbers, every condition and metric
it names exists in the committed run)."""

import json
import re

import pytest

from nnrg.core.claims import STATUSES, K, evaluate, registry_problems
from nnrg.core.claims.registry import load_registry
from nnrg.core.claims.report import as_json, counts, readme_block, render_markdown
from nnrg.core.claims.rules import Criterion, decide, fmt, quoted_precision
from nnrg.core.claims.sets import evaluate_best, evidence
from tests.conftest import ROOT

RAN = {"s.epochs": 100, "s.method.readout": "ours", "s.rate": 0.1}
METRICS = {
    "s": {
        "x": 1.0,
        "err": 0.01,
        "n": 4,
        "c": 0.5,
        "zero": 0.0,
        "big_err": 1.0,
        "alt": 3.0,
        "count": 2,
        "ran_with": RAN,
    }
}


def claim(test=None, **kw):
    base = {
        "id": "c",
        "paper": "001",
        "statement": "x is one",
        "paper_value": "1.02",
        "metric": "s:x",
        "error": "s:err",
        "test": test or {"kind": "value"},
        "contradiction": 0.0,
        "where": "sec. 1",
        "quote": "x is 1.02",
        "null": 0.0,
        "null_reason": "x is 0 without the effect",
    }
    return {**base, **kw}


def test_quoted_precision_is_half_a_unit_in_the_last_digit():
    assert quoted_precision("-0.1710") == pytest.approx(5e-5)
    assert quoted_precision("0.9") == pytest.approx(0.05)
    assert quoted_precision("-6") == pytest.approx(0.5)
    assert quoted_precision("> 0") is None


def test_value_passes_within_precision_plus_k_standard_errors():
    # |1.0 - 1.02| = 0.02 <= 0.005 + K x 0.01 (K = 3)
    v = evaluate(claim(n="s:n"), METRICS)
    assert v.status == "reproduced" and v.n == 4
    assert "0.02" in v.reason and "1.02" in v.reason and fmt(K) in v.reason


def test_value_fails_beyond_precision_plus_k_standard_errors():
    v = evaluate(claim(paper_value="1.2"), METRICS)
    assert v.status == "not reproduced" and ">" in v.reason and "1.2" in v.reason


def test_paper_error_bar_replaces_the_quoted_precision():
    assert evaluate(claim(paper_value="1.2", paper_error=0.2), METRICS).status == "reproduced"


def test_a_test_that_would_also_pass_at_the_contradiction_is_inconclusive():
    v = evaluate(claim(error="s:big_err", paper_value="1.5"), METRICS)
    assert v.status == "inconclusive" and "contradiction" in v.reason


@pytest.mark.parametrize(
    "metric, error, expected, status",
    [
        ("s:x", "s:err", 1, "reproduced"),
        ("s:x", "s:err", -1, "not reproduced"),
        ("s:x", "s:big_err", 1, "inconclusive"),  # |1.0| <= 3 x 1.0: not resolved from zero
        ("s:zero", None, 1, "inconclusive"),
    ],
)
def test_sign_tests_count_only_values_resolved_from_zero(metric, error, expected, status):
    c = claim({"kind": "sign", "expected": expected}, metric=metric, error=error, paper_value="> 0")
    assert evaluate(c, METRICS).status == status


@pytest.mark.parametrize(
    "test, status",
    [
        ({"kind": "at_most", "bound": 1.1}, "reproduced"),
        ({"kind": "at_most", "bound": 0.9}, "not reproduced"),
        ({"kind": "at_most", "bound": 1.01}, "inconclusive"),  # 1.0 + 3 x 0.01 straddles 1.01
        ({"kind": "at_least", "bound": "s:c"}, "inconclusive"),  # passes at contradiction 5 too
        ({"kind": "between", "low": 0.9, "high": 1.1}, "reproduced"),
        ({"kind": "between", "low": 1.5, "high": 2.0}, "not reproduced"),
        ({"kind": "equals", "target": 2}, "not reproduced"),
    ],
)
def test_bound_tests_have_three_outcomes(test, status):
    c = claim(test, paper_value="~1", tolerance_reason="test", contradiction=5.0, null=5.0)
    assert evaluate(c, METRICS).status == status


def test_equals_passes_on_the_exact_count():
    c = claim({"kind": "equals"}, metric="s:count", error=None, paper_value="2")
    assert evaluate(c, METRICS).status == "reproduced"


def test_differing_condition_gives_no_verdict_and_names_it():
    c = claim(conditions={"s.epochs": 50000, "s.method.readout": "ours"})
    v = evaluate(c, METRICS)
    assert v.status == "not at paper settings"
    assert "s.epochs = 100 (paper: 50000)" in v.reason and "readout" not in v.reason
    assert [x.matched for x in v.conditions] == [False, True]


def ladder(*rungs):
    return [{"setting": st, "metric": m} for st, m in rungs]


def test_a_condition_is_free_only_where_our_ladder_shows_it_moves_less_than_the_allowance():
    # the allowance is precision 0.005 + K x 0.01 = 0.035; the rungs read 1.0, 1.0, 1.01
    flat = ladder((0.1, "s:x"), (0.2, "s:x"), (0.3, "s:one_oh_one"))
    c = claim(conditions={"s.rate": {"value": 0.01, "free": {"why": "w", "evidence": flat}}})
    v = evaluate(c, {"s": {**METRICS["s"], "one_oh_one": 1.01}})
    assert v.status == "reproduced" and not v.conditions[0].material
    assert "moves it by 0.01 < 0.035" in str(v.conditions[0].free)


def test_a_bound_test_frees_a_condition_whose_every_rung_gives_the_same_outcome():
    same_side = ladder((0.1, "s:x"), (0.2, "s:c"), (0.3, "s:alt"))  # 1.0, 0.5, 3.0: all >= 0.2
    bound = {"kind": "at_least", "bound": 0.2}
    free = {"value": 0.01, "free": {"why": "w", "evidence": same_side}}
    c = claim(bound, conditions={"s.rate": free}, tolerance_reason="t", null=0.0)
    assert evaluate(c, METRICS).status == "reproduced"
    c["test"] = {"kind": "at_least", "bound": 0.8}  # the rung at 0.5 falls below
    v = evaluate(c, METRICS)
    assert v.status == "not at paper settings" and "fail" in v.reason


def test_a_free_condition_whose_ladder_moves_the_value_is_material():
    steep = ladder((0.1, "s:x"), (0.2, "s:c"), (0.3, "s:alt"))
    c = claim(conditions={"s.rate": {"value": 0.01, "free": {"why": "w", "evidence": steep}}})
    v = evaluate(c, METRICS)
    assert v.status == "not at paper settings" and "moves it by 2.5" in v.reason


def test_a_free_condition_with_too_short_a_ladder_is_material():
    short = ladder((0.1, "s:x"), (0.2, "s:x"))
    c = claim(conditions={"s.rate": {"value": 0.01, "free": {"why": "w", "evidence": short}}})
    v = evaluate(c, METRICS)
    assert v.status == "not at paper settings" and "2 measured settings" in v.reason


def test_a_pass_at_our_differing_settings_says_when_the_null_passes_too():
    c = claim(conditions={"s.epochs": 50000}, null=0.99, null_reason="no effect")
    v = evaluate(c, METRICS)
    assert v.status == "not at paper settings" and "pass at the null 0.99 too" in v.reason


def test_a_free_condition_on_a_sentence_of_the_paper_is_refused():
    c = claim(conditions={"s.rate": {"value": 0.01, "free": "the paper says so"}})
    with pytest.raises(ValueError, match="free without evidence"):
        evaluate(c, METRICS)
    assert any("free without evidence" in p for p in registry_problems([c], METRICS))


def test_a_test_that_passes_at_the_null_is_inconclusive():
    # a grid that reads 1 whether or not a ticket exists below density 1
    c = claim(null=0.99, null_reason="no ticket below density 1")
    v = evaluate(c, METRICS)
    assert v.status == "inconclusive" and "null 0.99" in v.reason
    control = claim(null="s:x", null_reason="the control passes too")
    assert evaluate(control, METRICS).status == "inconclusive"


def test_a_claim_without_a_null_or_a_quote_is_refused():
    bare = {k: v for k, v in claim().items() if k not in ("null", "null_reason", "quote")}
    problems = registry_problems([bare], METRICS)
    assert any("no null" in p for p in problems) and any("no quote" in p for p in problems)
    with pytest.raises(ValueError, match="null_reason"):
        evaluate(claim(null_reason=None), METRICS)


def test_a_trained_read_out_without_retraining_variance_is_inconclusive():
    once = claim(trained=["classifier"])
    v = evaluate(once, METRICS)
    assert v.status == "inconclusive" and "no retraining variance" in v.reason
    assert evaluate(claim(trained=["classifier"], retrained="s:count"), METRICS).status == (
        "inconclusive"
    )  # 2 retrainings
    assert evaluate(claim(trained=["classifier"], retrained="s:n"), METRICS).status == (
        "reproduced"
    )  # 4


def test_an_error_of_zero_on_a_quantity_not_exact_is_refused():
    c = claim(error="s:zero", paper_value="1.0")
    assert any("s.e. of 0" in p for p in registry_problems([c], METRICS))
    assert not any("s.e. of 0" in p for p in registry_problems([{**c, "exact": True}], METRICS))


def test_a_row_on_a_training_stage_must_name_its_trained_components():
    problems = registry_problems([claim()], METRICS, {"s": ["classifier"]})
    assert any("trains classifier" in p for p in problems)
    assert registry_problems([claim(trained=[])], METRICS, {"s": ["classifier"]}) == []


def test_a_pass_by_less_than_one_standard_error_is_marginal():
    # |1.0 - 1.03| = 0.03 <= 0.005 + 3 x 0.01 = 0.035: a margin of 0.005 < 1 s.e. (0.01)
    v = evaluate(claim(paper_value="1.03"), METRICS)
    assert v.status == "reproduced" and v.marginal and "margin" in v.reason
    assert not evaluate(claim(), METRICS).marginal


def test_the_best_matched_result_set_is_read_and_the_others_shown_beside():
    metrics = {
        "s": METRICS["s"],
        "big/s": {**METRICS["s"], "x": 1.01, "ran_with": {**RAN, "s.epochs": 50000}},
    }
    c = claim(conditions={"s.epochs": 50000})
    v = evaluate_best(c, metrics)
    assert v.result_set == "big" and v.value == 1.01 and v.status == "reproduced"
    assert v.beside[0].label.startswith("default profile (0 of 1") and v.beside[0].value == 1.0
    # a tie goes to the result set (the larger budget)
    tie = evaluate_best(claim(), {"s": METRICS["s"], "big/s": METRICS["s"]})
    assert tie.result_set == "big"


def test_metric_references_can_be_conditions_with_a_relative_tolerance():
    c = claim(conditions={"s:c": {"value": 0.52, "rel_tol": 0.05}})
    assert evaluate(c, METRICS).status == "reproduced"


def test_unknown_condition_key_is_an_error_naming_it():
    with pytest.raises(ValueError, match="s.nonsense"):
        evaluate(claim(conditions={"s.nonsense": 1}), METRICS)


def test_a_stage_that_recorded_no_conditions_leaves_the_claim_pending():
    metrics = {"s": {k: v for k, v in METRICS["s"].items() if k != "ran_with"}}
    v = evaluate(claim(conditions={"s.epochs": 1}), metrics)
    assert v.status == "pending" and "rerun" in v.reason


def test_missing_metric_is_pending():
    v = evaluate(claim(metric="t:y"), METRICS)
    assert v.status == "pending" and v.value is None


def test_failed_claim_with_passing_dispute_is_disputed():
    c = claim(
        paper_value="0.5",
        dispute={"metric": "s:c", "test": {"kind": "value"}, "why": "another explanation"},
    )
    v = evaluate(c, METRICS)
    assert v.status == "disputed" and "another explanation" in v.reason and "0.5" in v.reason


def test_an_undecided_claim_whose_dispute_passes_is_disputed():
    dispute = {"metric": "s:c", "test": {"kind": "value", "target": 0.5}, "why": "noise"}
    c = claim({"kind": "sign"}, metric="s:zero", error=None, paper_value="> 0", dispute=dispute)
    v = evaluate(c, METRICS)
    assert v.status == "disputed" and "not resolved" in v.reason and "noise" in v.reason


def test_dispute_with_matching_own_conditions_overrides_not_at_paper_settings():
    c = claim(
        paper_value="0.5",
        conditions={"s.epochs": 50000},
        dispute={
            "metric": "s:c",
            "test": {"kind": "value"},
            "why": "bound",
            "conditions": {"s.rate": 0.1},
        },
    )
    assert evaluate(c, METRICS).status == "disputed"
    c["dispute"]["conditions"] = {"s.rate": 0.5}
    assert evaluate(c, METRICS).status == "not at paper settings"


def test_choices_that_disagree_make_the_verdict_fragile():
    c = claim(choices=[{"label": "other read-out", "metric": "s:alt"}])
    v = evaluate(c, METRICS)
    assert v.status == "reproduced" and v.fragile
    assert [ch.result for ch in v.choices] == ["pass", "fail"]
    agree = claim(choices=[{"label": "same", "metric": "s:x", "error": "s:err"}])
    assert not evaluate(agree, METRICS).fragile


def test_a_choice_in_another_normalisation_is_judged_against_its_own_target():
    other_units = {"label": "raw", "metric": "s:alt", "target": 3.0}
    v = evaluate(claim(choices=[other_units]), METRICS)
    assert not v.fragile and [ch.result for ch in v.choices] == ["pass", "pass"]
    with pytest.raises(ValueError, match="unknown choice key"):
        evaluate(claim(choices=[{**other_units, "targte": 1}]), METRICS)


def test_definitions_are_checked_but_never_counted():
    v = evaluate(claim(kind="definition"), METRICS)
    assert v.status == "definition" and v.reason.startswith("agrees")
    assert sum(counts([v]).values()) == 0


def test_too_few_resolved_points_is_inconclusive():
    c = claim(resolved={"metric": "s:count", "at_least": 3})
    v = evaluate(c, METRICS)
    assert v.status == "inconclusive" and "only 2" in v.reason


def test_registry_entries_are_validated():
    with pytest.raises(ValueError, match="why_fail"):
        evaluate(claim(why_fail="fixed prose"), METRICS)
    with pytest.raises(ValueError, match="tolerance_reason"):
        evaluate(claim(tolerance=0.1), METRICS)
    with pytest.raises(ValueError, match="unknown test kind"):
        decide(Criterion("roughly"), 1.0, None)


def test_registry_checks_catch_a_test_that_cannot_fail():
    loose = claim(tolerance=10, tolerance_reason="too loose")
    assert any("cannot fail" in p for p in registry_problems([loose], METRICS))
    assert any(
        "no contradiction" in p for p in registry_problems([claim(contradiction=None)], METRICS)
    )
    assert any("no metric" in p for p in registry_problems([claim(error="s:missing")], METRICS))
    assert any(
        "tolerance_reason" in p
        for p in registry_problems([claim({"kind": "at_most", "bound": 2.0})], METRICS)
    )
    assert registry_problems([claim()], METRICS) == []


def test_report_groups_by_study_and_keeps_checks_and_definitions_apart():
    verdicts = [
        evaluate(claim(id="a"), METRICS),
        evaluate(claim(id="b", paper_value="1.2"), METRICS),
        evaluate(claim(id="V-a", paper="validation", study="001"), METRICS),
        evaluate(claim(id="d", kind="definition"), METRICS),
    ]
    text = render_markdown(verdicts, {"001": "a study"}, [{"id": "old", "note": "retired"}])
    assert "## Study 001: a study" in text and "2 claims: 1 reproduced, 1 not reproduced" in text
    assert "### Validation checks and controls (study 001)" in text
    assert "## Definitions" in text and "`old`: retired" in text
    for status in STATUSES:
        assert f"*{status}*" in text
    assert readme_block(verdicts, {"001": "a study"}) in text
    summary = as_json(verdicts)
    assert summary["counts"]["reproduced"] == 1 and summary["definitions"] == 1
    assert summary["validation"]["reproduced"] == 1


# ---- the committed registry and run -------------------------------------------------------


@pytest.fixture(scope="module")
def committed(repo_root):
    return load_registry(), evidence(repo_root)


def test_committed_registry_has_no_problems(committed):
    registry, metrics = committed
    assert registry_problems(registry.claims, metrics, registry.trained_stages) == []


def test_committed_claims_json_and_claims_md_agree_with_the_registry(committed, repo_root):
    registry, metrics = committed
    verdicts = [evaluate_best(c, metrics) for c in registry.claims]
    stored = json.loads((repo_root / "reports/records/claims.json").read_text())
    assert stored["counts"] == as_json(verdicts)["counts"], "rerun the report stage"
    assert [c["status"] for c in stored["claims"]] == [v.status for v in verdicts]
    md = (repo_root / "reports/claims.md").read_text()
    for v in verdicts:
        assert re.search(rf"\| {re.escape(v.id)} \|", md), v.id


def test_every_committed_claim_names_its_study(committed):
    registry, _ = committed
    studies = set(registry.studies)
    for c in registry.claims:
        assert str(c.get("study", c["paper"])) in studies, c["id"]


def test_a_registry_file_without_its_study_is_an_error_naming_the_file(tmp_path):
    bad = tmp_path / "claims.yaml"
    bad.write_text("title: t\nclaims: []\n")
    with pytest.raises(ValueError, match=r"claims.yaml: missing top-level key 'study'"):
        load_registry([bad])
    good = tmp_path / "other.yaml"
    good.write_text('study: "009"\ntitle: t\ntrained_stages: {s: [rbm]}\nclaims: []\n')
    assert load_registry([good]).trained_stages == {"s": ["rbm"]}


PAPERS = ROOT.parent / "shared" / "papers"


@pytest.mark.skipif(not PAPERS.is_dir(), reason="the papers' texts are not beside this checkout")
def test_every_quote_is_the_papers_own_words(committed):
    """Each fragment of a row's quote (split at "...") appears verbatim in its paper's text
    (whitespace normalised): a quote is the paper's words, never a paraphrase."""
    registry, _ = committed
    texts = {p.name[:3]: " ".join(p.read_text().split()) for p in PAPERS.glob("*.txt")}
    for c in registry.claims:
        paper = texts[str(c.get("study", c["paper"]))]
        for fragment in re.split(r"\s*\.\.\.\s*", c.get("quote") or ""):
            words = " ".join(fragment.split())
            assert words in paper, f"{c['id']}: not in the paper: {words[:80]!r}"
