"""Shared fixtures: the repository root, and the tiny pipeline run once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["tests.browser"]  # the headless-Chromium fixture of the browser tests

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def copy_repo(dest: Path) -> Path:
    """Copy the tracked and untracked-not-ignored files of the repo into a fresh git repo."""
    files = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    git = ["git", "-c", "user.email=test@nnrg", "-c", "user.name=nnrg-test"]
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], cwd=dest, check=True)
    return dest


def pipeline_env(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DVC_ROOT", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        {
            "MLFLOW_TRACKING_URI": f"sqlite:///{repo}/mlflow.db",
            "NNRG_QUIET": "1",
            "DVC_NO_ANALYTICS": "1",
            "NNRG_PIPELINE_ID": "tiny-test",
        }
    )
    return env


def run(cmd: list[str], repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{res.stdout}\n{res.stderr}")
    return res


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory) -> Path:
    """A copy of the repo switched to the tiny profile, after one full ``dvc repro``."""
    repo = copy_repo(tmp_path_factory.mktemp("tiny") / "repo")
    env = pipeline_env(repo)
    run([sys.executable, "-m", "nnrg", "profile", "tiny"], repo, env)
    run([sys.executable, "-m", "dvc", "repro", "--quiet"], repo, env)
    return repo
