"""A change to one study reruns only that study: in a temporary copy of the repository, edit a
default in one study's params module and ask DVC which stages changed.

A study's params types, models and stages are code deps of its own stages only (each stage
loads only the params sections it declares, and is found by its file, not through a registry
that imports every study). In the layout before the house-by-study change, ``params.py`` was a
code dep of all 21 stages, so this test would have listed every stage.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnrg.core import registry
from tests.conftest import ROOT

DVC = str(Path(sys.executable).with_name("dvc"))


def tracked_copy(dest: Path) -> Path:
    """The repository's tracked files (as in the work tree) copied to ``dest``, a git repo."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in files.stdout.decode().split("\0"):
        if not name or not (ROOT / name).is_file():
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


def stages_with_changed_code(root: Path) -> set[str]:
    """Stages of the default pipeline (the root ``dvc.yaml``; result sets have locks of their
    own) whose ``src/`` deps differ from those recorded in ``dvc.lock``."""
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    out = subprocess.run([DVC, "status", "--json", "dvc.yaml"], cwd=root, capture_output=True,
                         text=True, env=env, check=True).stdout  # fmt: skip
    changed = set()
    for stage, entries in json.loads(out or "{}").items():
        for entry in entries if isinstance(entries, list) else []:
            deps = entry.get("changed deps", {}) if isinstance(entry, dict) else {}
            if any(path.startswith("src/") for path in deps):
                changed.add(stage.split(":")[-1])
    return changed


def study_stages(study: str) -> set[str]:
    return set(registry.study_stages(registry.studies()[study]))


EDITS = [  # (study, a default in its params module as written, the same default changed)
    ("002", "hidden: int = param(49,", "hidden: int = param(50,"),
    ("004", "n_seeds: int = param(2,", "n_seeds: int = param(3,"),
]


@pytest.mark.parametrize(("study", "old", "new"), EDITS)
def test_changing_one_studys_params_module_reruns_only_that_study(tmp_path, study, old, new):
    module = f"src/nnrg/studies/{registry.studies()[study].__name__.rsplit('.', 1)[1]}/params.py"
    root = tracked_copy(tmp_path)
    assert stages_with_changed_code(root) == set(), "dvc.lock is stale for the committed code"
    path = root / module
    text = path.read_text()
    assert old in text, f"{module} no longer has {old!r}: pick another default to change"
    path.write_text(text.replace(old, new, 1))
    changed = stages_with_changed_code(root)
    assert changed == study_stages(study), f"editing {module} reruns {sorted(changed)}"
