"""The claims report (``reports/claims.md``), its JSON summary and the README's summary block.

Layout: a header stating the statuses and the decision rule; counts per study; per study the
paper's claims (paper value, ours ± s.e. (n), conditions, verdict, rendered reason, choices),
then that study's validation checks and controls; the definitions apart; the claims that use
an ad hoc tolerance, with its reason; retired ids.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from nnrg.core.claims import STATUS_CODES, STATUS_MEANINGS, STATUSES, K, Verdict
from nnrg.core.claims.rules import fmt

COUNTED = tuple(s for s in STATUSES if s != "definition")


def counts(verdicts: list[Verdict]) -> dict[str, int]:
    """Paper claims per status (definitions and validation checks are counted apart)."""
    claims = [v for v in verdicts if v.kind == "claim"]
    return {s: sum(v.status == s for v in claims) for s in COUNTED}


def summary(verdicts: list[Verdict]) -> dict[str, Any]:
    """Counts overall, per study, of validation checks and of definitions (for JSON, gate)."""
    studies = sorted({v.study for v in verdicts if v.kind == "claim"})
    validation = [v for v in verdicts if v.kind == "validation"]
    return {
        "k_sigma": K,
        "counts": {status_key(s): n for s, n in counts(verdicts).items()},
        "by_study": {
            s: {status_key(k): n for k, n in counts([v for v in verdicts if v.study == s]).items()}
            for s in studies
        },
        "validation": {status_key(s): sum(v.status == s for v in validation) for s in COUNTED},
        "definitions": sum(v.kind == "definition" for v in verdicts),
        "fragile": sum(v.fragile for v in verdicts),
        "marginal": sum(v.marginal for v in verdicts),
    }


def status_key(status: str) -> str:
    """A status as a metric key, spaces as underscores (``not reproduced``: ``not_reproduced``)."""
    return status.replace(" ", "_")


def as_json(verdicts: list[Verdict]) -> dict[str, Any]:
    """claims.json: the summary plus every verdict."""
    return {**summary(verdicts), "claims": [asdict(v) for v in verdicts]}


def tracking_fields(table: dict[str, Any]) -> tuple[dict[str, float], dict[str, str]]:
    """MLflow metrics and tags of the claims table ``table`` (:func:`as_json`'s form, as
    written, so MLflow shows the committed numbers), for the pipeline's run: per row
    ``claim.<id>.value`` / ``.error`` (where finite) and ``claim.<id>.status_code``
    (:data:`~nnrg.core.claims.STATUS_CODES`) as metrics, ``claim.<id>.status`` as a tag; and the
    table's counts, ``claims.<status>`` (paper claims) and ``validation.<status>``.

    >>> table = {"counts": {"reproduced": 1}, "validation": {"reproduced": 0},
    ...          "claims": [{"id": "c1", "value": 0.5, "error": None, "status": "reproduced"}]}
    >>> metrics, tags = tracking_fields(table)
    >>> tags, metrics["claim.c1.status_code"], metrics["claims.reproduced"]
    ({'claim.c1.status': 'reproduced'}, 0, 1)
    """
    metrics: dict[str, float] = {
        f"{group}.{status}": n
        for group, key in (("claims", "counts"), ("validation", "validation"))
        for status, n in table[key].items()
    }
    tags: dict[str, str] = {}
    for row in table["claims"]:
        cid, status = row["id"], row["status"]
        metrics[f"claim.{cid}.status_code"] = STATUS_CODES[status]
        for name in ("value", "error"):
            number = row.get(name)
            if isinstance(number, int | float) and math.isfinite(number):
                metrics[f"claim.{cid}.{name}"] = float(number)
        tags[f"claim.{cid}.status"] = status
    return metrics, tags


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def ours(v: Verdict) -> str:
    """Our value ± s.e. (n) and the result set it was read in; then, not judged, the same
    quantity in the other result sets."""
    text = "—" if v.value is None else fmt(v.value)
    if v.value is not None and v.error is not None and math.isfinite(v.error):
        text += f" ± {v.error:.2g}"
    if v.value is not None and v.n is not None:
        text += f" (n = {fmt(v.n)})"
    if v.result_set:
        text += f" [{v.result_set}]"
    for b in v.beside:
        value = "—" if b.value is None else fmt(b.value)
        err = f" ± {b.error:.2g}" if b.value is not None and b.error is not None else ""
        text += f"; {b.label}: {value}{err}"
    return text


def _conditions(v: Verdict) -> str:
    if not v.conditions:
        return "none named"
    differ = sorted((c for c in v.conditions if c.differs), key=lambda c: ".method." in c.key)
    free = [f"{c.key} {c.free}" for c in v.conditions if not c.matched and not c.material]
    if differ:
        names = ", ".join(c.key.rsplit(".", 1)[-1].split(":")[-1] for c in differ)
        parts = [f"{len(differ)} of {len(v.conditions)} differ: {names}"]
    else:
        parts = [f"as paper ({len(v.conditions)} checked)"]
    return "; ".join(parts + free)


def _choices(v: Verdict) -> str:
    if not v.choices:
        return ""
    text = "; ".join(f"{c.label}: {fmt(c.value)} → {c.result or '—'}" for c in v.choices)
    return text + (" — **fragile**" if v.fragile else "")


def _reason(v: Verdict) -> str:
    return v.reason + (f" — {v.context}" if v.context else "")


def _status(v: Verdict) -> str:
    flags = [f for f, on in (("marginal", v.marginal), ("fragile", v.fragile)) if on]
    return f"**{v.status}**" + "".join(f" ({f})" for f in flags)


def _claim(v: Verdict) -> str:
    """The statement, then the paper's own words and where they are."""
    where = f" ({v.where})" if v.where else ""
    quote = f' — paper: "{v.quote.strip()}"' if v.quote else ""
    return f"{v.statement}{quote}{where}"


def render_markdown(
    verdicts: list[Verdict], studies: dict[str, str], retired: list[dict] | None = None
) -> str:
    """The whole report as Markdown."""
    lines = [
        "# Claims: what reproduced, and how sure we are",
        "",
        "Generated by the `report` stage from each study's `claims.yaml` "
        "(`src/nnrg/studies/*/claims.yaml`) and the records (`reports/records/*.json`, "
        "`results/*/reports/records/*.json`); do not edit by hand.",
        "",
        "## How a verdict is decided",
        "",
        f"A value claim passes when |ours − paper| ≤ the paper's precision (half a unit in "
        f"its last quoted digit, or its own error bar) + K × our standard error, with "
        f"K = {fmt(K)} everywhere; an ad hoc tolerance carries a reason (listed at the "
        f"end). Sign and bound tests count a value as resolved only beyond K standard "
        f"errors. Every claim names a contradiction (a clearly different answer) that its "
        f"test must reject at our error, a null (what we would measure were the paper's "
        f"effect absent: a test that passes at the null too decides nothing), and the "
        f"conditions under which the paper made it. A condition that differs from the "
        f"paper's is free only where our own ladder over it moves the value less than the "
        f"test's allowance. Errors are standard errors over independent replicas, seeds or "
        f"bags (n shown); a value that passes through a trained component needs >= 3 "
        f"retrainings of it in its error. Each claim is read in the result set that "
        f"matches most of its conditions (in brackets), the others beside.",
        "",
    ]
    lines += [f"- *{s}*: {STATUS_MEANINGS[s]}" for s in STATUSES]
    lines += [
        "- *fragile*: the verdict changes with an analysis choice the claim lists",
        "- *marginal*: a pass by less than one standard error or less than 10 % of the "
        "test's allowance (the margin is printed in the reason)",
        "",
        "## Counts",
        "",
        readme_block(verdicts, studies),
    ]
    for study, title in studies.items():
        rows = [v for v in verdicts if v.study == study]
        if not rows:
            continue
        claims = [v for v in rows if v.kind == "claim"]
        checks = [v for v in rows if v.kind == "validation"]
        lines += [f"## Study {study}: {title}", "", _count_line(claims), ""]
        if claims:
            lines += [
                "| id | claim | paper | ours ± s.e. (n) | conditions | verdict | reason "
                "| choices |",
                "|---|---|---|---|---|---|---|---|",
            ]
            lines += [
                "| "
                + " | ".join(
                    _cell(c)
                    for c in (
                        v.id,
                        _claim(v),
                        fmt(v.paper_value)
                        if isinstance(v.paper_value, int | float)
                        else v.paper_value,
                        ours(v),
                        _conditions(v),
                        _status(v),
                        _reason(v),
                        _choices(v),
                    )
                )
                + " |"
                for v in claims
            ]
            lines.append("")
        if checks:
            lines += [
                f"### Validation checks and controls (study {study})",
                "",
                "| id | check | ours ± s.e. (n) | verdict | reason |",
                "|---|---|---|---|---|",
            ]
            lines += [
                "| "
                + " | ".join(_cell(c) for c in (v.id, v.statement, ours(v), _status(v), _reason(v)))
                + " |"
                for v in checks
            ]
            lines.append("")
    defs = [v for v in verdicts if v.kind == "definition"]
    if defs:
        lines += [
            "## Definitions (mathematical facts; never counted as reproductions)",
            "",
            "| id | study | statement | paper value | exact | check |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            "| "
            + " | ".join(
                _cell(c) for c in (v.id, v.study, _claim(v), v.paper_value, fmt(v.value), v.reason)
            )
            + " |"
            for v in defs
        ]
        lines.append("")
    ad_hoc = [v for v in verdicts if v.ad_hoc]
    lines += ["## Claims with an ad hoc tolerance or bound", ""]
    lines += [f"- `{v.id}`: {v.ad_hoc}" for v in ad_hoc] or ["none"]
    if retired:
        lines += ["", "## Retired ids", ""]
        lines += [f"- `{r['id']}`: {r['note']}" for r in retired]
    return "\n".join(lines) + "\n"


def _count_line(claims: list[Verdict]) -> str:
    c = counts(claims)
    return f"{len(claims)} claims: " + ", ".join(f"{n} {s}" for s, n in c.items() if n)


def summary_table(verdicts: list[Verdict], studies: dict[str, str]) -> list[str]:
    """Per-study counts by status, as Markdown table lines."""
    head = ["study", *COUNTED, "definitions", "validation checks (passed / all)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for study, title in studies.items():
        rows = [v for v in verdicts if v.study == study]
        if not rows:
            continue
        c = counts(rows)
        checks = [v for v in rows if v.kind == "validation"]
        passed = sum(v.status == "reproduced" for v in checks)
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{study} {title}",
                    *[str(c[s]) for s in COUNTED],
                    str(sum(v.kind == "definition" for v in rows)),
                    f"{passed} / {len(checks)}",
                ]
            )
            + " |"
        )
    return lines


def readme_block(verdicts: list[Verdict], studies: dict[str, str]) -> str:
    """The Counts section, which the README copies: per-study counts, one line per study."""
    lines = summary_table(verdicts, studies) + [""]
    for study, title in studies.items():
        claims = [v for v in verdicts if v.study == study and v.kind == "claim"]
        if claims:
            lines.append(f"- **{study}** ({title}): {_count_line(claims)}.")
    return "\n".join(lines) + "\n"
