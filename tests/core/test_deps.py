"""Code deps by construction: dvc.yaml's src/ deps equal each stage's import closure."""

from __future__ import annotations

from pathlib import Path

import yaml

from nnrg.core import deps


def test_committed_dvc_yaml_code_deps_match_the_imports(repo_root):
    problems = deps.differences(yaml.safe_load((repo_root / "dvc.yaml").read_text()), repo_root)
    assert problems == [], "run `python -m nnrg deps`:\n" + "\n".join(problems)


def _package(root: Path) -> None:
    """A fake project: nnrg/{__init__, __main__}, stages/{__init__, runner, a}, lib/{b, c}."""
    files = {
        "nnrg/__init__.py": "",
        "nnrg/__main__.py": "from nnrg.stages import STAGES\n",
        "nnrg/stages/__init__.py": "STAGES = ('a',)\n",
        "nnrg/stages/runner.py": "import importlib\n",
        "nnrg/stages/a.py": "from nnrg.lib import b\n\n\ndef main():\n    pass\n",
        "nnrg/lib/__init__.py": "",
        "nnrg/lib/b.py": "import numpy\n",
        "nnrg/lib/c.py": "",
    }
    for rel, text in files.items():
        path = root / "src" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checker_catches_a_new_import_and_a_stale_dep(tmp_path):
    _package(tmp_path)
    wanted = deps.stage_code_deps("a", tmp_path)
    assert "src/nnrg/lib/b.py" in wanted and "src/nnrg/lib/__init__.py" in wanted
    assert "src/nnrg/lib/c.py" not in wanted
    dvc = {"stages": {"a": {"deps": [*wanted, "data/x"]}}}
    assert deps.differences(dvc, tmp_path) == []
    # a function-level import added to b, without its dep: the checker must say so
    (tmp_path / "src/nnrg/lib/b.py").write_text("def f():\n    from nnrg.lib import c\n")
    (problem,) = deps.differences(dvc, tmp_path)
    assert "missing ['src/nnrg/lib/c.py']" in problem
    # and a dep that is no longer imported
    (tmp_path / "src/nnrg/lib/b.py").write_text("")
    (tmp_path / "src/nnrg/stages/a.py").write_text("def main():\n    pass\n")
    (problem,) = deps.differences(dvc, tmp_path)
    assert "not imported ['src/nnrg/lib/__init__.py', 'src/nnrg/lib/b.py']" in problem


def test_rewrite_keeps_the_other_deps_and_the_layout(tmp_path):
    _package(tmp_path)
    text = (
        "# comment\nstages:\n  a:\n    cmd: python -m nnrg a\n    deps:\n"
        "      - src/nnrg/old.py\n      - data/x\n    params:\n      - a\n"
    )
    out = deps.rewrite(text, tmp_path, ["a"])
    assert out.startswith("# comment\n") and "src/nnrg/old.py" not in out
    assert "      - src/nnrg/lib/b.py\n" in out and "      - data/x\n    params:" in out
    assert deps.differences(yaml.safe_load(out), tmp_path) == []


LIBRARY = ("numerics", "physics", "models", "pruning", "analysis")


def test_library_packages_import_each_other_without_cycles(repo_root):
    """numerics < physics < models < pruning / analysis: no package imports one that imports
    it back (directly or through others)."""
    src = repo_root / "src"
    edges: dict[str, set[str]] = {p: set() for p in LIBRARY}
    for package in LIBRARY:
        for path in (src / "nnrg" / package).glob("*.py"):
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
    assert edges["numerics"] == set()


def _outs(spec: dict) -> set[str]:
    return {next(iter(o)) if isinstance(o, dict) else str(o) for o in spec.get("outs", [])}


def test_each_shared_path_is_an_out_of_the_stage_that_writes_it(repo_root):
    from nnrg.core import paths

    stages = yaml.safe_load((repo_root / "dvc.yaml").read_text())["stages"]
    for path, writer in paths.WRITTEN_BY.items():
        assert path in _outs(stages[writer]), f"{path} is not an out of {writer} in dvc.yaml"
        readers = [n for n, s in stages.items() if path in [str(d) for d in s.get("deps", [])]]
        for reader in readers:  # a reader never reads a path nobody writes
            assert reader != writer


def test_no_stage_module_imports_another_stage(repo_root):
    """Stages share code through the library and the *_common modules, never each other."""
    from nnrg.stages import STAGES

    src = repo_root / "src"
    for name in STAGES:
        imported = deps.imported_modules(src / "nnrg" / "stages" / f"{name}.py", src)
        others = {m.rsplit(".", 1)[-1] for m in imported if m.startswith("nnrg.stages.")}
        assert not (others & set(STAGES)), f"{name} imports stage(s) {others & set(STAGES)}"
