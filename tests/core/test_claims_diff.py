"""claims-diff: the verdicts that moved between two git revisions (or DVC experiments)."""

import json
import subprocess

from nnrg.core.claims.diff import changes, render
from nnrg.core.cli import main


def claim(cid, status, value, error=None):
    return {"id": cid, "status": status, "value": value, "error": error}


def test_changes_list_new_gone_moved_and_restatused_claims_but_not_rounding():
    a = [claim("x", "reproduced", 1.0, 0.1), claim("y", "reproduced", 2.0),
         claim("gone", "inconclusive", 0.5), claim("same", "reproduced", 3.0)]  # fmt: skip
    nudged = 3.0 * (1 + 1e-13)
    b = [claim("x", "not reproduced", 1.0, 0.1), claim("y", "reproduced", 2.5),
         claim("new", "reproduced", 7.0), claim("same", "reproduced", nudged)]  # fmt: skip
    rows = {r.id: r for r in changes(a, b)}
    assert set(rows) == {"x", "y", "gone", "new"}  # 'same' moved in the 13th digit only
    assert rows["x"].status_changed and not rows["y"].status_changed
    text = render(list(rows.values()), "A", "B", status_only=True)
    assert "`x`" in text and "**not reproduced**" in text and "`y`" not in text
    assert "(absent)" in text and "3 claim(s) listed, 3 with a new status" in text


def test_no_change_says_so():
    assert render(changes([claim("x", "reproduced", 1.0)], [claim("x", "reproduced", 1.0)]),
                  "A", "B") == "no claim changed from A to B"  # fmt: skip


def test_cli_reads_claims_json_at_two_revisions(tmp_path, monkeypatch, capsys):
    """The first revision has the layout before 0.2.0 (the claims table under
    reports/metrics), the second the current one (reports/records)."""
    repo = tmp_path / "r"
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    for k, status in enumerate(("reproduced", "not reproduced")):
        old = repo / "reports/metrics/claims.json"
        old.unlink(missing_ok=True)
        path = repo / ("reports/metrics" if k == 0 else "reports/records") / "claims.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"claims": [claim("c1", status, 1.0 + k)]}))
        subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-qm", f"run {k}"], cwd=repo, check=True)
    subprocess.run([*git, "tag", "first", "HEAD~1"], cwd=repo, check=True)
    monkeypatch.setenv("DVC_ROOT", str(repo))
    monkeypatch.chdir(repo)
    assert main(["claims-diff", "first", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "`c1` | reproduced | **not reproduced** | 1 | 2 |" in out
    assert main(["claims-diff", "nosuchrev", "HEAD"]) == 2
    assert "'nosuchrev': no such git revision or DVC experiment" in capsys.readouterr().err


def test_a_revision_without_claims_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "r"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "x").write_text("x")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    monkeypatch.setenv("DVC_ROOT", str(repo))
    monkeypatch.chdir(repo)
    assert main(["claims-diff", "HEAD", "HEAD"]) == 2
    assert "holds no reports/records/claims.json" in capsys.readouterr().err
