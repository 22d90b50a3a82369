"""Release files agree with the package: the version in CITATION.cff and the newest
CHANGELOG.md entry are pyproject.toml's."""

from __future__ import annotations

import re
import tomllib

import yaml


def test_citation_and_changelog_carry_the_package_version(repo_root):
    version = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["version"]
    citation = yaml.safe_load((repo_root / "CITATION.cff").read_text())
    assert str(citation["version"]) == version
    assert citation["cff-version"] == "1.2.0" and citation["authors"]
    changelog = (repo_root / "CHANGELOG.md").read_text()
    newest = re.search(r"^## \[?(\d+\.\d+\.\d+)", changelog, flags=re.M)
    assert newest and newest.group(1) == version
