"""Keep the README's claims table identical to ``reports/claims.md`` (never hand-written)."""

from __future__ import annotations

START = "<!-- claims:start (generated from reports/claims.md by `python -m nnrg readme`) -->"
END = "<!-- claims:end -->"


def claims_block(claims_md: str) -> str:
    """The table part of claims.md: everything after its title and note."""
    lines = claims_md.splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith("reproduced:"))
    return "\n".join(lines[first:]).strip() + "\n"


def sync(readme: str, claims_md: str) -> str:
    """README text with the block between the markers replaced by the current claims table."""
    if START not in readme or END not in readme:
        raise ValueError(f"README lacks the claims markers {START!r} ... {END!r}")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{claims_block(claims_md)}{END}{tail}"
