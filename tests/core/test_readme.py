"""The README's claims summary is generated from reports/claims.md and stays in sync."""

import pytest

from nnrg.core import readme
from nnrg.core.cli import main


def test_readme_claims_summary_matches_reports_claims_md(repo_root):
    text = (repo_root / "README.md").read_text()
    claims = (repo_root / "reports/claims.md").read_text()
    assert readme.sync(text, claims) == text, "run `python -m nnrg readme`"


def test_sync_replaces_only_the_marked_block_with_the_counts_section():
    md = "# Claims\n\nnote\n\n## Counts\n\n| a |\n|---|\n| x |\n\n## Study 000\n\n| y |\n"
    text = f"intro\n{readme.START}\nold table\n{readme.END}\noutro\n"
    out = readme.sync(text, md)
    assert out.startswith("intro\n") and out.endswith(f"{readme.END}\noutro\n")
    assert "old table" not in out and "| x |" in out and "# Claims" not in out
    assert "| y |" not in out


def test_missing_markers_are_an_error():
    with pytest.raises(ValueError, match="markers"):
        readme.sync("no markers here", "## Counts\n")


def test_check_mode_reports_up_to_date(repo_root, capsys):
    assert main(["readme", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_readme_states_the_stage_count(repo_root):
    import re

    from nnrg.core import registry

    text = (repo_root / "README.md").read_text()
    counts = {int(n) for n in re.findall(r"\((\d+) stages", text)}
    assert counts == {len(registry.pipeline())}, counts
