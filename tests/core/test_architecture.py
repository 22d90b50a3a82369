"""The package layout's rules, read from the source (imports parsed with ast):

- a study (``nnrg.studies.<a>``) imports no other study;
- the shared packages (``core``, ``ising``, ``numerics``, ``training``) and the top-level
  modules import no study: the one way from the core to the studies is the registry's
  ``importlib`` strings (``nnrg.core.registry``), which are not imports;
- stage names are unique across the studies, each is found by ``registry.stage_module`` and
  no stage module imports another stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nnrg.core import registry
from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "nnrg"
STUDIES = sorted(p.name for p in (PACKAGE / "studies").iterdir() if (p / "__init__.py").is_file())
SHARED = ("core", "ising", "numerics", "training")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, text: str | None = None) -> set[str]:
    """Every module ``path`` imports, anywhere in its body, as absolute dotted names
    (``from a import b`` gives ``a`` and ``a.b``; relative imports are resolved)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    tree = ast.parse(text, filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_layout_is_what_this_test_reads():
    assert sorted(p.__name__.rsplit(".", 1)[-1] for p in registry.studies().values()) == STUDIES
    assert all((PACKAGE / name / "__init__.py").is_file() for name in SHARED)


def test_imports_are_read_anywhere_and_relative_ones_resolved():
    text = "from ..y import z\nfrom . import w\n\n\ndef f():\n    import nnrg.core.io\n"
    got = imports(PACKAGE / "studies" / "x" / "m.py", text)
    assert {"nnrg.studies.y", "nnrg.studies.y.z", "nnrg.studies.x.w", "nnrg.core.io"} <= got


@pytest.mark.parametrize("study", STUDIES)
def test_no_study_imports_another(study):
    bad = {}
    for path in sorted((PACKAGE / "studies" / study).rglob("*.py")):
        others = {
            m
            for m in imports(path)
            for other in STUDIES
            if other != study and under(m, f"nnrg.studies.{other}")
        }
        if others:
            bad[str(path.relative_to(ROOT))] = sorted(others)
    assert bad == {}, f"study {study} imports another study"


def test_shared_packages_and_top_level_modules_import_no_study():
    files = [p for name in SHARED for p in sorted((PACKAGE / name).rglob("*.py"))]
    files += sorted(PACKAGE.glob("*.py"))
    bad = {
        str(path.relative_to(ROOT)): sorted(m for m in imports(path) if under(m, "nnrg.studies"))
        for path in files
    }
    bad = {k: v for k, v in bad.items() if v}
    assert bad == {}, "only the registry reaches the studies, by importlib strings"


def stage_files() -> dict[str, list[str]]:
    """Stage name -> the studies holding a stage module of that name (every module under
    ``studies/<study>/stages/`` but the package and its shared ``common``)."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.glob("studies/*/stages/*.py")):
        if path.stem not in ("__init__", "common"):
            found.setdefault(path.stem, []).append(path.parents[1].name)
    return found


def test_stage_names_are_unique_across_studies_and_each_study_lists_its_own():
    files = stage_files()
    assert {n: s for n, s in files.items() if len(s) > 1} == {}
    names = registry.pipeline()
    assert len(names) == len(set(names))
    assert sorted(set(names) - set(registry.CORE_STAGES)) == sorted(files)
    for package in registry.studies().values():
        study = package.__name__.rsplit(".", 1)[-1]
        listed = registry.study_stages(package)
        assert sorted(listed) == sorted(n for n, s in files.items() if s == [study]), study


@pytest.mark.parametrize("name", registry.pipeline())
def test_stage_module_finds_each_stage(name):
    module = registry.stage_module(name)
    study = stage_files().get(name)
    want = f"nnrg.studies.{study[0]}.stages.{name}" if study else f"nnrg.core.stages.{name}"
    assert module == want
    stage = registry.load_stage(name)
    assert stage.STAGE.name == name and callable(stage.main)


def test_no_stage_module_imports_another_stage():
    """Stages share code through their study's modules (``stages/common.py``), the shared
    packages and declared outs, never each other."""
    names = set(registry.pipeline())
    for name in names:
        module = registry.stage_module(name) or ""
        path = PACKAGE.parent.joinpath(*module.split(".")).with_suffix(".py")
        found = {m.rsplit(".", 1)[-1] for m in imports(path) if ".stages." in m}
        assert not (found & names) - {name}, f"{name} imports stage(s) {found & names}"
