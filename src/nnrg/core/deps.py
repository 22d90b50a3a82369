"""Code deps by construction: each stage's ``src/`` deps in ``dvc.yaml`` are exactly the
project modules that running it imports, transitively.

``python -m nnrg <stage>`` executes ``nnrg/__main__.py`` (which, for a stage name, goes
straight to the runner and never imports the CLI), the stage finder
(``nnrg/core/registry.py``, which finds the stage module by its file), the runner
(``nnrg/core/runner.py``) and the stage module;
from those modules every ``import nnrg...``, at module level or inside a function, is followed,
and every package ``__init__.py`` on the way counts too (Python executes it). The result is what
``python -m nnrg deps`` writes into ``dvc.yaml`` and what ``--check`` (and the test suite)
compares, in both directions: a missing module means stale results can be served, an extra one
means needless reruns.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "nnrg"
MAIN = "nnrg/__main__.py"  # counted as a file; its CLI branch is not followed
ENTRY = ("nnrg.core.registry", "nnrg.core.runner")


def module_file(src: Path, module: str) -> Path | None:
    """The file of a project module (``nnrg.core.io`` -> ``src/nnrg/stages/io.py``)."""
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path, src: Path) -> set[str]:
    """Project modules that ``path`` imports anywhere in its body (``from a import b`` counts
    ``a.b`` when ``b`` is itself a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != PACKAGE:
                continue
            found.add(node.module)
            for alias in node.names:
                if module_file(src, f"{node.module}.{alias.name}") is not None:
                    found.add(f"{node.module}.{alias.name}")
    return found


def _with_packages(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts) + 1)]


def closure(modules: tuple[str, ...] | list[str], src: Path) -> set[Path]:
    """Files of ``modules``, their parent packages and everything they import, transitively."""
    todo = [m for mod in modules for m in _with_packages(mod)]
    seen: set[str] = set()
    files: set[Path] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = module_file(src, module)
        if path is None:
            continue
        files.add(path)
        todo.extend(m for imp in imported_modules(path, src) for m in _with_packages(imp))
    return files


def stage_code_deps(stage: str, root: Path) -> list[str]:
    """The sorted ``src/...`` paths running ``stage`` executes, relative to ``root``."""
    from nnrg.core.registry import stage_module

    module = stage_module(stage)
    if module is None:
        raise ValueError(f"unknown stage {stage!r}")
    src = root / "src"
    files = closure([*ENTRY, module], src) | {src / MAIN}
    return sorted(str(f.relative_to(root)) for f in files)
