"""Metric-regression gate rules."""

import pytest

from nnrg.core.gate import check, failed

POLICY = [
    {"metric": "s:err", "direction": "lower", "abs_tol": 0.1},
    {"metric": "s:acc", "direction": "higher", "rel_tol": 0.05},
]


def test_small_changes_within_tolerance_pass():
    rows = check(POLICY, {"s": {"err": 1.05, "acc": 0.96}}, {"s": {"err": 1.0, "acc": 1.0}})
    assert [r.status for r in rows] == ["ok", "ok"]
    assert not failed(rows)


def test_worse_beyond_tolerance_regresses_in_either_direction():
    rows = check(POLICY, {"s": {"err": 1.2, "acc": 0.9}}, {"s": {"err": 1.0, "acc": 1.0}})
    assert [r.status for r in rows] == ["regressed", "regressed"]
    assert failed(rows)


def test_improvements_pass():
    rows = check(POLICY, {"s": {"err": 0.1, "acc": 2.0}}, {"s": {"err": 1.0, "acc": 1.0}})
    assert not failed(rows)


def test_missing_current_metric_fails_and_new_metric_passes():
    rows = check(POLICY, {"s": {"acc": 1.0}}, {"s": {"err": 1.0}})
    assert [r.status for r in rows] == ["missing", "new"]
    assert failed(rows)


def test_bad_direction_is_rejected():
    with pytest.raises(ValueError, match="direction"):
        check([{"metric": "s:x", "direction": "up"}], {}, {})


def test_committed_policy_names_existing_stages(repo_root):
    import yaml

    from nnrg.core import registry

    policy = yaml.safe_load((repo_root / "reports/metrics_policy.yaml").read_text())["gated"]
    assert {p["metric"].split(":")[0] for p in policy} <= set(registry.pipeline())
