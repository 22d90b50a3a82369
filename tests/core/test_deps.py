"""dvc.yaml by construction: the committed file is what the stages' declarations render, each
stage's code deps are its import closure, and no stage depends on another study's code."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nnrg.core import deps, dvcfile, registry
from tests.conftest import ROOT

SPECS = registry.specs()


def study_of(stage: str) -> str | None:
    """The study package a stage belongs to (``imp_hnn``, ...), None for the core's."""
    module = registry.stage_module(stage)
    assert module is not None, stage
    parts = module.split(".")
    return parts[2] if parts[1] == "studies" else None


def test_committed_dvc_yaml_is_what_the_declarations_render(repo_root):
    wanted = dvcfile.render(SPECS, repo_root)
    assert (repo_root / "dvc.yaml").read_text() == wanted, "run `python -m nnrg dvc-yaml`"


def test_dvc_yaml_check_exits_zero(repo_root):
    res = subprocess.run([sys.executable, "-m", "nnrg", "dvc-yaml", "--check"], cwd=repo_root,
                         capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    assert "matches" in res.stdout


@pytest.mark.parametrize("stage", list(SPECS))
def test_code_deps_are_the_stages_import_closure(repo_root, stage):
    committed = yaml.safe_load((repo_root / "dvc.yaml").read_text())["stages"][stage]["deps"]
    code = [d for d in committed if d.startswith("src/") and d.endswith(".py")]
    assert code == deps.stage_code_deps(stage, repo_root)
    module = registry.stage_module(stage) or ""
    assert f"src/{module.replace('.', '/')}.py" in code
    for entry in ("src/nnrg/__main__.py", "src/nnrg/core/registry.py", "src/nnrg/core/runner.py"):
        assert entry in code, f"{stage}: {entry} runs for every stage"


@pytest.mark.parametrize("stage", list(SPECS))
def test_no_stage_depends_on_another_studys_code(stage):
    own = study_of(stage)
    others = [
        d
        for d in deps.stage_code_deps(stage, ROOT)
        if d.startswith("src/nnrg/studies/") and d.count("/") > 3 and d.split("/")[3] != own
    ]
    assert others == [], f"{stage} ({own or 'core'}) runs another study's code"


def _package(root: Path) -> Path:
    """A fake project: a study's stage importing a library module, and one it does not import."""
    files = {
        "nnrg/__init__.py": "",
        "nnrg/studies/__init__.py": "",
        "nnrg/studies/s/__init__.py": "",
        "nnrg/studies/s/stages/__init__.py": "ORDER = ('a',)\n",
        "nnrg/studies/s/stages/a.py": "from nnrg.lib import b\n\n\ndef main():\n    pass\n",
        "nnrg/studies/t/__init__.py": "",
        "nnrg/lib/__init__.py": "",
        "nnrg/lib/b.py": "import numpy\n",
        "nnrg/lib/c.py": "",
    }
    for rel, text in files.items():
        path = root / "src" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "src"


def _closure(src: Path) -> set[str]:
    files = deps.closure(["nnrg.studies.s.stages.a"], src)
    return {str(f.relative_to(src.parent)) for f in files}


def test_the_closure_follows_function_level_imports_and_only_imports(tmp_path):
    src = _package(tmp_path)
    found = _closure(src)
    assert {"src/nnrg/lib/b.py", "src/nnrg/lib/__init__.py", "src/nnrg/__init__.py"} <= found
    assert "src/nnrg/studies/s/__init__.py" in found  # a package runs its __init__
    assert "src/nnrg/lib/c.py" not in found and "src/nnrg/studies/t/__init__.py" not in found
    # a function-level import added to b is followed
    (src / "nnrg/lib/b.py").write_text("def f():\n    from nnrg.lib import c\n")
    assert "src/nnrg/lib/c.py" in _closure(src)
    # and a module no longer imported drops out
    (src / "nnrg/lib/b.py").write_text("")
    (src / "nnrg/studies/s/stages/a.py").write_text("def main():\n    pass\n")
    assert not any(f.startswith("src/nnrg/lib/") for f in _closure(src))


LIBRARY = ("core", "numerics", "ising", "training")


def test_library_packages_import_each_other_without_cycles(repo_root):
    """The shared packages (core, numerics, ising, training) import each other without a
    cycle (directly or through others), and numerics and core import none of them."""
    src = repo_root / "src"
    edges: dict[str, set[str]] = {p: set() for p in LIBRARY}
    for package in LIBRARY:
        for path in (src / "nnrg" / package).rglob("*.py"):
            for module in deps.imported_modules(path, src):
                parts = module.split(".")
                if len(parts) > 1 and parts[1] in LIBRARY and parts[1] != package:
                    edges[package].add(parts[1])

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(
            n == target or (n not in seen and reaches(n, target, seen | {n})) for n in edges[start]
        )

    cycles = [p for p in LIBRARY if reaches(p, p, {p})]
    assert cycles == [], {p: sorted(edges[p]) for p in cycles}
    assert edges["numerics"] == set() and edges["core"] == set()


def test_each_shared_path_is_an_out_of_one_stage_of_its_study(repo_root):
    """Each study's hand-offs (its ``paths`` module) are outs of exactly one of its stages in
    dvc.yaml, and read only by other stages of the same study."""
    owner = dvcfile.written_by(SPECS)
    stages = yaml.safe_load((repo_root / "dvc.yaml").read_text())["stages"]
    for package in registry.studies().values():
        study = package.__name__.rsplit(".", 1)[-1]
        try:
            paths = importlib.import_module(f"{package.__name__}.paths")
        except ModuleNotFoundError:
            continue  # a study without hand-offs
        for name, path in vars(paths).items():
            if not name.isupper() or not isinstance(path, str):
                continue
            if name == "CHECKPOINTS":  # resume state of a stage's own run, not a hand-off: no
                continue  # DVC out by design (dvc repro deletes outs before a stage runs)
            writer = owner.get(path)
            assert writer is not None, f"{study}.paths.{name} = {path}: no stage writes it"
            assert study_of(writer) == study, f"{path} is written by another study's {writer}"
            outs = {next(iter(o)) if isinstance(o, dict) else o for o in stages[writer]["outs"]}
            assert path in outs, f"{path} is not an out of {writer} in dvc.yaml"
            readers = [n for n, s in SPECS.items() if path in s.deps]
            for reader in readers:
                assert reader != writer and study_of(reader) == study, (path, reader)


def test_every_data_dep_is_an_out_of_an_earlier_stage_of_the_same_study():
    owner = dvcfile.written_by(SPECS)
    order = list(SPECS)
    for name, spec in SPECS.items():
        for path in spec.deps:
            if (ROOT / path).is_file() and path not in owner:
                continue  # a committed source file (the report's claims registry)
            writer = owner.get(path)
            assert writer is not None, f"{name} reads {path}, which no stage writes"
            assert order.index(writer) < order.index(name), (name, path, writer)
            assert study_of(writer) == study_of(name), (name, path, writer)
