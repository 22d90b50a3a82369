"""Keep the README's claims summary identical to the Counts section of ``reports/claims.md``
(never hand-written)."""

from __future__ import annotations

START = "<!-- claims:start (generated from reports/claims.md by `python -m nnrg readme`) -->"
END = "<!-- claims:end -->"
SECTION = "## Counts"


def claims_block(claims_md: str) -> str:
    """The Counts section of claims.md, without its heading."""
    if SECTION not in claims_md:
        raise ValueError(f"reports/claims.md has no {SECTION!r} section: rerun the report stage")
    body = claims_md.split(SECTION, 1)[1]
    return body.split("\n## ", 1)[0].strip() + "\n"


def sync(readme: str, claims_md: str) -> str:
    """README text with the block between the markers replaced by the current summary."""
    if START not in readme or END not in readme:
        raise ValueError(f"README lacks the claims markers {START!r} ... {END!r}")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{claims_block(claims_md)}{END}{tail}"
