"""Where stages are found: a stage named ``<name>`` is the module
``nnrg.studies.<study>.stages.<name>`` (or ``nnrg.core.stages.<name>``) holding its declaration
``STAGE`` (:class:`nnrg.core.declare.StageSpec`) and its ``main()``.

Running one stage finds its module by file name (:func:`stage_module`) and imports nothing
else, so a stage's code deps are its own imports and never another study's. The whole pipeline
(:func:`pipeline`) is the studies of ``nnrg.studies.registry`` in order, each study's stages in
the order of its ``stages/__init__.py`` (``ORDER``), then the core's (the report): what the CLI
writes into ``dvc.yaml`` and validates ``params.yaml`` against.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from nnrg.core.declare import StageSpec

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/nnrg
STUDIES_PACKAGE = "nnrg.studies"
CORE_STAGES = ("report",)  # nnrg.core.stages.<name>, after every study's stages


def stage_module(name: str) -> str | None:
    """The dotted module of stage ``name``, found by its file (no import), or None.

    >>> stage_module("imp_global"), stage_module("nope")
    ('nnrg.studies.imp_hnn.stages.imp_global', None)
    """
    if not name.isidentifier() or name.startswith("_") or name in ("common",):
        return None
    if name in CORE_STAGES:
        return f"nnrg.core.stages.{name}"
    found = sorted(PACKAGE_DIR.glob(f"studies/*/stages/{name}.py"))
    if len(found) != 1:
        return None
    return f"{STUDIES_PACKAGE}.{found[0].parents[1].name}.stages.{name}"


def load_stage(name: str) -> ModuleType:
    """The module of stage ``name`` (a ValueError lists the stages when there is none)."""
    module = stage_module(name)
    if module is None:
        raise ValueError(f"unknown stage {name!r}; stages: {', '.join(pipeline())}")
    return importlib.import_module(module)


def studies() -> dict[str, ModuleType]:
    """Study id -> study package, in the order of ``nnrg.studies.registry.STUDIES``."""
    registry = importlib.import_module(f"{STUDIES_PACKAGE}.registry")
    return {sid: importlib.import_module(f"{STUDIES_PACKAGE}.{pkg}")
            for sid, pkg in registry.STUDIES.items()}  # fmt: skip


def study_stages(package: ModuleType) -> tuple[str, ...]:
    """A study's stage names, in its ``stages/__init__.py`` order."""
    return tuple(importlib.import_module(f"{package.__name__}.stages").ORDER)


def pipeline() -> list[str]:
    """Every stage name in pipeline order (studies, then the core's report)."""
    return [s for pkg in studies().values() for s in study_stages(pkg)] + list(CORE_STAGES)


def specs() -> dict[str, StageSpec]:
    """Every stage's declaration, in pipeline order."""
    return {name: load_stage(name).STAGE for name in pipeline()}


def all_sections() -> dict[str, type]:
    """Every ``params.yaml`` section and its type: ``pipeline``, then each stage's own section
    and the shared sections its declaration uses (``sampler``), in pipeline order."""
    from nnrg.core.params import PipelineParams

    sections: dict[str, Any] = {"pipeline": PipelineParams}
    for spec in specs().values():
        for name, cls in {**spec.uses, **spec.reads, spec.name: spec.params}.items():
            if sections.setdefault(name, cls) is not cls:
                raise TypeError(f"params section {name!r} is declared with two types")
    return sections
