"""Regenerate tests/baselines/tiny/*.json from a fresh tiny-profile run (``make baselines``)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT, copy_repo, pipeline_env, run


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = copy_repo(Path(tmp) / "repo")
        env = pipeline_env(repo)
        run([sys.executable, "-m", "nnrg", "profile", "tiny"], repo, env)
        run([sys.executable, "-m", "dvc", "repro", "--quiet"], repo, env)
        target = ROOT / "tests" / "baselines" / "tiny"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for path in sorted((repo / "reports" / "records").glob("*.json")):
            shutil.copy2(path, target / path.name)
            print(f"baseline {path.name}")


if __name__ == "__main__":
    main()
