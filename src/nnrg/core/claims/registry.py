"""The claims registry: one ``claims.yaml`` per study, in the study's package.

Each file holds ``study`` (its id), ``title``, optional ``anchors`` (YAML anchors shared by its
rows), ``trained_stages`` (the stages whose records pass through a trained component, and
which components: a row on such a stage must name its ``trained`` components), optional
``retired`` ids, and ``claims``. The keys of a row:

id            stable; a claim whose meaning changes gets a new id and the old one is retired
paper/study   the study ("000" ...); validation checks: paper: validation, study: the study
kind          claim (default) | validation | definition (a mathematical fact: never counted)
where         the section, figure, table or equation of the paper
quote         the paper's exact words (required for claims and definitions); units,
              normalisation and which model or figure belong in the quote or the statement
paper_value   as the paper quotes it (a string keeps its digits): the precision is half a
              unit in the last quoted digit, unless paper_error (the paper's error bar) says
metric/error  "stage:dotted.key"; error is a standard error, n its sibling (or `n:`); an
              unprefixed stage is read from every result set that has it (best-matched first)
exact         true where the quantity is exact (an s.e. of 0 is refused otherwise)
test          kind: value (target: paper_value or `target`), sign (expected), at_most /
              at_least (bound), between (low, high), equals (target)
tolerance     ad hoc slack; needs tolerance_reason (a literal bound needs one too)
contradiction a clearly different answer that the test must reject at our error
null          what the measurement gives were the paper's effect absent (required for
              claims): a number, or a control's metric "stage:key"; null_reason says why.
              A test that passes at the null with our error decides nothing: inconclusive
trained       the trained components the value passes through (classifier, regressor,
              autoencoder, rbm, hnn); `retrained` is the metric that counts the independent
              retrainings behind `error`: fewer than 3 make the verdict inconclusive
conditions    what the paper ran: `section.key` (a param or `<stage>.method.<fact>` from the
              stage's ran_with) or `stage:metric`, with the paper's value, or
              {value: v, rel_tol: r, free: {why: "...", evidence: [rung, ...]}} where each
              rung is {setting: s, metric: "stage:key", error: "stage:key"}: our own ladder
              over the condition (>= 3 settings). A differing condition is free only when the
              quantity moves less than the test's allowance across the ladder; without
              evidence it is material. A paper's sentence goes in `context`.
              Only conditions that change the quantity itself are listed; sample sizes
              that only change our noise are not (the standard error carries them).
choices       analysis choices (label, metric, error, and `target` where the choice reads
              the quantity in another normalisation: the claim's target in its units); the
              paper's procedure comes first (`procedure` names it); the verdict is fragile
              when they disagree
dispute       an alternative explanation with its own test (and conditions)
resolved      {metric: count, at_least: n}: a fit needs n points resolved from noise
beside        other quantities shown next to ours, never judged
context       prose shown beside the rendered reason, never in its place
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/nnrg
FILE = "claims.yaml"
GLOB = f"studies/*/{FILE}"


def registry_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Every study's registry file, by path."""
    return sorted(package_dir.glob(GLOB))


@dataclass(frozen=True)
class Registry:
    """All studies' rows, the studies' titles (by id, sorted) and the retired ids."""

    claims: list[dict] = field(default_factory=list)
    studies: dict[str, str] = field(default_factory=dict)
    retired: list[dict] = field(default_factory=list)
    trained_stages: dict[str, list[str]] = field(default_factory=dict)


def load_registry(files: list[Path] | None = None) -> Registry:
    """Read every study's ``claims.yaml`` (default: the package's), one-line errors naming
    the file."""
    claims: list[dict] = []
    studies: dict[str, str] = {}
    retired: list[dict] = []
    trained: dict[str, list[str]] = {}
    for path in registry_files() if files is None else files:
        try:
            data: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML ({exc})") from exc
        for key in ("study", "title", "claims"):
            if key not in data:
                raise ValueError(f"{path}: missing top-level key {key!r}")
        sid = str(data["study"])
        if sid in studies:
            raise ValueError(f"{path}: study {sid} is registered twice")
        studies[sid] = str(data["title"])
        claims += data["claims"] or []
        retired += data.get("retired") or []
        for stage, parts in (data.get("trained_stages") or {}).items():
            trained[str(stage)] = [str(p) for p in parts]
    return Registry(claims, dict(sorted(studies.items())), retired, trained)
