"""Stage report (last in the DAG): evaluate the claims registry against every stage's metrics."""

from __future__ import annotations

from dataclasses import asdict

from nnrg.claims import STATUSES, evaluate, render_markdown
from nnrg.stages.base import Stage
from nnrg.stages.io import load_metrics_dir, load_yaml, write_json, write_text

SELF = "claims"


def main() -> None:
    stage = Stage("report")
    registry = load_yaml(stage.path(stage.section.claims_file)) or {}
    # the report's own outputs (claims.json, report.json) are not evidence for the claims
    metrics = load_metrics_dir(stage.path("reports/metrics"), exclude=(SELF, "report"))
    verdicts = [evaluate(c, metrics) for c in registry.get("claims", [])]
    table = write_text(stage.path("reports/claims.md"), render_markdown(verdicts))
    stage.add_artifact(table, "claims")
    stage.add_artifact(stage.path(stage.section.claims_file), "claims")
    stage.log(f"{len(verdicts)} claims: " + ", ".join(
        f"{sum(v.status == s for v in verdicts)} {s}" for s in STATUSES))
    summary = {s.replace(" ", "_"): sum(v.status == s for v in verdicts) for s in STATUSES}
    write_json(stage.path("reports/metrics/claims.json"),
               {"counts": summary, "claims": [asdict(v) for v in verdicts]})
    stage.add_artifact(stage.path("reports/metrics/claims.json"), "claims")
    stage.finish({"counts": summary}, finish_parent=True)
