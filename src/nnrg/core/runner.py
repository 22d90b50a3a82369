"""Run one stage as ``python -m nnrg <stage>`` (what ``dvc.yaml`` calls), so that whatever
happens its MLflow run ends: FINISHED, FAILED (an error: one line on stderr and exit 2 for the
errors we expect, the traceback otherwise) or KILLED (SIGINT / SIGTERM: exit 130 / 143).

Kept apart from ``nnrg.core.cli`` so that a stage's code deps (see ``nnrg.core.deps``) are its own
imports and this runner's, not those of every CLI command.
"""

from __future__ import annotations

import signal
import sys

from nnrg.core.io import InputError
from nnrg.core.params import ParamsError
from nnrg.core.registry import load_stage
from nnrg.core.tracking import TrackingUnavailable

# errors that carry a message meant for the user: one line, exit 2, no traceback
EXPECTED_ERRORS = (ParamsError, TrackingUnavailable, FileNotFoundError, InputError)


class Interrupted(BaseException):
    """SIGTERM, turned into an exception so the stage is logged KILLED and exits cleanly."""


def _terminate(signum: int, _frame: object) -> None:
    raise Interrupted(signal.Signals(signum).name)


def run_stage(name: str) -> int:
    """Run stage ``name``; returns the exit code (outs are written atomically, so an
    interrupted stage leaves no partial file)."""
    from nnrg.core import stage as base

    signal.signal(signal.SIGTERM, _terminate)
    # SIGINT -> KeyboardInterrupt even where the parent started us with SIGINT ignored (a
    # shell's background jobs are), so `kill -INT` stops a stage cleanly there too
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        load_stage(name).main()
        return 0
    except (KeyboardInterrupt, Interrupted) as exc:
        signame = "SIGINT" if isinstance(exc, KeyboardInterrupt) else str(exc)
        base.abort_active("KILLED", f"interrupted by {signame}")
        print(f"nnrg: {name} interrupted by {signame}", file=sys.stderr)
        return 130 if signame == "SIGINT" else 143
    except EXPECTED_ERRORS as err:
        base.abort_active("FAILED", str(err))
        print(f"nnrg: error: {err}", file=sys.stderr)
        return 2
    except Exception as err:
        base.abort_active("FAILED", f"{type(err).__name__}: {err}")
        raise
