"""Stage report (last in the DAG): judge every claim of the registry against every stage's
metrics (see :mod:`nnrg.core.claims` for the statuses and the rule) and write the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nnrg.core.claims.registry import PACKAGE_DIR, load_registry, registry_files
from nnrg.core.claims.report import (
    COUNTED,
    as_json,
    render_markdown,
    status_key,
    summary,
    tracking_fields,
)
from nnrg.core.claims.sets import evaluate_best, evidence
from nnrg.core.declare import StageSpec
from nnrg.core.io import SIGNIFICANT_DIGITS, read_json, write_json, write_text
from nnrg.core.params import param
from nnrg.core.paths import RECORDS
from nnrg.core.stage import Stage

SELF = "claims"


@dataclass(frozen=True)
class ReportParams:
    """Claims registry evaluation (the registry is each study's ``claims.yaml``; the rule and
    its constants are in :mod:`nnrg.core.claims`)."""

    # read every result set's records too and judge each claim where it is best matched;
    # false: judge the default profile's records only
    read_result_sets: bool = param(True)


REGISTRY_FILES = tuple(
    str(Path("src") / p.relative_to(PACKAGE_DIR.parent)) for p in registry_files()
)

STAGE = StageSpec(
    "report",
    ReportParams,
    deps=REGISTRY_FILES,
    outs=("reports/claims.md", f"{RECORDS}/{SELF}.json"),
    headline=(
        *(f"counts.{status_key(s)}" for s in COUNTED),
        "validation.reproduced",
    ),
    reads_all_records=True,
)


def main() -> None:
    stage = Stage(STAGE)
    registry = load_registry()
    metrics = evidence(stage.root, stage.section.read_result_sets)
    verdicts = [evaluate_best(c, metrics) for c in registry.claims]
    table = write_text(
        stage.path(STAGE.outs[0]),
        render_markdown(verdicts, registry.studies, registry.retired),
    )
    stage.add_artifact(table, "claims")
    for path in registry_files():
        stage.add_artifact(path, "claims/registry")
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
