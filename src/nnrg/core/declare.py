"""A stage declares itself once: ``STAGE = StageSpec(...)`` in its module.

The declaration is the one place that states a stage's name, its params type, the other params
sections it reads, the params keys DVC tracks, the outs of other stages it reads, its own outs,
its headline metrics, its smoke-test params and its ``dvc plots``. From the declarations come
the stage registry (:mod:`nnrg.core.registry`), the stage blocks and top-level plots of
``dvc.yaml`` (:mod:`nnrg.core.dvcfile`), the headline metrics file of each stage
(:meth:`nnrg.core.stage.Stage.finish`) and the smoke test's params
(``tests/stages/test_stage_smoke.py``).

Where outs live: a path under ``data/`` or ``models/`` is cached by DVC (not in git); every
other path (figures, tables, curves) is committed (``cache: false``). Every stage also writes
its record ``reports/records/<name>.json`` (an out) and its headline scalars
``reports/metrics/<name>.json`` (a DVC metrics file); neither is listed in ``outs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from nnrg.core.paths import METRICS, RECORDS

CACHED_DIRS = ("data/", "models/")


def cached(path: str) -> bool:
    """Whether DVC caches out ``path`` (data and models) rather than git committing it.

    >>> cached("models/imp_global"), cached("reports/figures/imp_sigma.png")
    (True, False)
    """
    return path.startswith(CACHED_DIRS)


def record_path(stage: str) -> str:
    """``reports/records/<stage>.json``: the stage's full record (every result, ``ran_with``)."""
    return f"{RECORDS}/{stage}.json"


def metrics_path(stage: str) -> str:
    """``reports/metrics/<stage>.json``: the stage's headline scalars."""
    return f"{METRICS}/{stage}.json"


@dataclass(frozen=True)
class Plot:
    """One top-level ``dvc plots`` definition: a vega-lite template (``.dvc/plots``), a title,
    the x column and, per CSV file, the y column(s). Several stages may declare the same plot
    id with the same template, title and labels: their ``y`` files are drawn together."""

    template: str
    title: str
    x: str
    y: Mapping[str, str | list[str]]
    x_label: str
    y_label: str

    def in_result_set(self, name: str, title: str) -> Plot:
        """The same plot drawn from result set ``name``'s files (``results/<name>/...``)."""
        y = {f"results/{name}/{path}": cols for path, cols in self.y.items()}
        return replace(self, title=title, y=y)

    def as_dvc(self) -> dict[str, Any]:
        """The definition as ``dvc.yaml`` writes it."""
        y = {path: list(cols) if isinstance(cols, list) else cols for path, cols in self.y.items()}
        return {"template": self.template, "title": self.title, "x": self.x, "y": y,
                "x_label": self.x_label, "y_label": self.y_label}  # fmt: skip


@dataclass(frozen=True)
class StageSpec:
    """What a stage is, stated once (see the module docstring).

    ``params``: the type of its own section (``params.yaml``'s ``<name>``); ``uses``: other
    sections it reads, by name and type (loaded, validated and logged under ``ran_with`` with
    its own); ``reads``: sections of the stages whose outs it reads, for those outs' layout
    (a lattice size: loaded and validated, not logged; its dep on the outs reruns it when they
    change); ``tracks``: params keys beyond its own section whose change must rerun it
    (``dvc.yaml``'s ``params``: a section, a dotted key, ``pipeline.device``); ``deps``: outs
    of other stages it reads; ``outs``: what it writes besides its record and metrics;
    ``headline``: dotted record keys copied to its metrics file; ``smoke``: params overlay on
    the tiny profile that makes the stage smoke test fast; ``plots``: ``dvc plots``
    definitions by id; ``reads_all_records``: its deps are every other stage's record and
    every result set's ``dvc.lock`` besides ``deps`` (the claims report).
    """

    name: str
    params: type
    uses: Mapping[str, type] = field(default_factory=dict)
    reads: Mapping[str, type] = field(default_factory=dict)
    tracks: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    outs: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()
    smoke: Mapping[str, Any] = field(default_factory=dict)
    plots: Mapping[str, Plot] = field(default_factory=dict)
    reads_all_records: bool = False  # the report: every other stage's record, every set's lock

    @property
    def record(self) -> str:
        """Its record's path (:func:`record_path`)."""
        return record_path(self.name)

    @property
    def metrics(self) -> str:
        """Its headline metrics file's path (:func:`metrics_path`)."""
        return metrics_path(self.name)

    @property
    def sections(self) -> dict[str, type]:
        """The params sections it loads: its own, then those it uses."""
        return {self.name: self.params, **self.uses}
