"""Entry point for ``python -m nnrg``: a stage name runs that stage (``nnrg.stages.runner``),
anything else goes to the project CLI (``nnrg.cli``)."""

import sys

from nnrg.stages import STAGES


def _main() -> int:
    argv = sys.argv[1:]
    if len(argv) == 1 and argv[0] in STAGES:
        from nnrg.stages.runner import run_stage

        return run_stage(argv[0])
    from nnrg.cli import main

    return main(argv)


raise SystemExit(_main())
