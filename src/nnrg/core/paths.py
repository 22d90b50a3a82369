"""Where every stage's record and headline metrics live, relative to the result set's root (the
directory holding its ``dvc.yaml`` and ``params.yaml``; see :func:`nnrg.core.io.repo_root`).
The paths one stage writes and another reads are stated once, in the study's own ``paths``
module, and each is an out of exactly one stage's declaration (``tests/core/test_deps.py``)."""

from __future__ import annotations

RECORDS = "reports/records"  # <stage>.json: a stage's full record (Stage.finish)
METRICS = "reports/metrics"  # <stage>.json: its headline scalars (StageSpec.headline)
