"""Stage report (last in the DAG): judge every claim of the registry against every stage's
metrics (see :mod:`nnrg.core.claims` for the statuses and the rule) and write the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nnrg.core import resultsets
from nnrg.core.claims import evaluate
from nnrg.core.claims.report import (
    COUNTED,
    as_json,
    render_markdown,
    status_key,
    summary,
    tracking_fields,
)
from nnrg.core.declare import StageSpec
from nnrg.core.io import (
    SIGNIFICANT_DIGITS,
    load_metrics_dir,
    load_yaml,
    read_json,
    write_json,
    write_text,
)
from nnrg.core.params import param
from nnrg.core.paths import RECORDS
from nnrg.core.stage import Stage

SELF = "claims"


@dataclass(frozen=True)
class ReportParams:
    """Claims registry evaluation."""

    claims_file: str = param("reports/claims.yaml")


STAGE = StageSpec(
    "report",
    ReportParams,
    deps=("reports/claims.yaml",),
    outs=("reports/claims.md", f"{RECORDS}/{SELF}.json"),
    headline=(
        *(f"counts.{status_key(s)}" for s in COUNTED),
        "validation.reproduced",
    ),
    reads_all_records=True,
)


def evidence(root: Path) -> dict:
    """Every stage's record: the root's as ``<stage>``, each result set's as
    ``<name>/<stage>`` (the report's own outputs are not evidence for the claims)."""
    metrics = load_metrics_dir(root / RECORDS, exclude=(SELF, "report"))
    for name in resultsets.discover(root):
        found = load_metrics_dir(resultsets.set_dir(root, name) / RECORDS)
        metrics.update({f"{name}/{s}": m for s, m in found.items()})
    return metrics


def main() -> None:
    stage = Stage(STAGE)
    registry = load_yaml(stage.path(stage.section.claims_file)) or {}
    # the report's own outputs (claims.json, report.json) are not evidence for the claims
    metrics = evidence(stage.root)
    verdicts = [evaluate(c, metrics) for c in registry.get("claims", [])]
    studies = {str(k): v for k, v in (registry.get("studies") or {}).items()}
    table = write_text(
        stage.path(STAGE.outs[0]), render_markdown(verdicts, studies, registry.get("retired"))
    )
    stage.add_artifact(table, "claims")
    stage.add_artifact(stage.path(stage.section.claims_file), "claims")
    counts = summary(verdicts)
    stage.log(
        f"{len(verdicts)} claims: " + ", ".join(f"{n} {s}" for s, n in counts["counts"].items())
    )
    claims_json = write_json(
        stage.path(STAGE.outs[1]), as_json(verdicts), digits=SIGNIFICANT_DIGITS
    )
    stage.add_artifact(claims_json, "claims")
    # the verdicts as written (rounded), on the pipeline's run too: each claim's value, error
    # and status (tag and code), and the claims table as an artifact
    claim_metrics, claim_tags = tracking_fields(read_json(claims_json))
    stage.log_to_pipeline(claim_metrics, claim_tags, [(table, "claims"), (claims_json, "claims")])
    stage.finish(
        {k: counts[k] for k in ("counts", "by_study", "validation", "definitions", "fragile")}
    )
