"""Stage report (last in the DAG): judge every claim of the registry against every stage's
metrics (see :mod:`nnrg.claims` for the statuses and the rule) and write the report."""

from __future__ import annotations

from pathlib import Path

from nnrg import resultsets
from nnrg.claims import evaluate
from nnrg.claims.report import as_json, render_markdown, summary, tracking_fields
from nnrg.stages.base import Stage
from nnrg.stages.io import (
    SIGNIFICANT_DIGITS,
    load_metrics_dir,
    load_yaml,
    read_json,
    write_json,
    write_text,
)
from nnrg.stages.paths import RECORDS

SELF = "claims"


def evidence(root: Path) -> dict:
    """Every stage's record: the root's as ``<stage>``, each result set's as
    ``<name>/<stage>`` (the report's own outputs are not evidence for the claims)."""
    metrics = load_metrics_dir(root / RECORDS, exclude=(SELF, "report"))
    for name in resultsets.discover(root):
        found = load_metrics_dir(resultsets.set_dir(root, name) / RECORDS)
        metrics.update({f"{name}/{s}": m for s, m in found.items()})
    return metrics


def main() -> None:
    stage = Stage("report")
    registry = load_yaml(stage.path(stage.section.claims_file)) or {}
    # the report's own outputs (claims.json, report.json) are not evidence for the claims
    metrics = evidence(stage.root)
    verdicts = [evaluate(c, metrics) for c in registry.get("claims", [])]
    studies = {str(k): v for k, v in (registry.get("studies") or {}).items()}
    table = write_text(
        stage.path("reports/claims.md"), render_markdown(verdicts, studies, registry.get("retired"))
    )
    stage.add_artifact(table, "claims")
    stage.add_artifact(stage.path(stage.section.claims_file), "claims")
    counts = summary(verdicts)
    stage.log(
        f"{len(verdicts)} claims: " + ", ".join(f"{n} {s}" for s, n in counts["counts"].items())
    )
    claims_json = write_json(
        stage.path(f"{RECORDS}/{SELF}.json"), as_json(verdicts), digits=SIGNIFICANT_DIGITS
    )
    stage.add_artifact(claims_json, "claims")
    # the verdicts as written (rounded), on the pipeline's run too: each claim's value, error
    # and status (tag and code), and the claims table as an artifact
    claim_metrics, claim_tags = tracking_fields(read_json(claims_json))
    stage.log_to_pipeline(claim_metrics, claim_tags, [(table, "claims"), (claims_json, "claims")])
    stage.finish(
        {k: counts[k] for k in ("counts", "by_study", "validation", "definitions", "fragile")}
    )
