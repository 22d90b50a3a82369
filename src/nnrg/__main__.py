"""Entry point for ``python -m nnrg``: a stage name runs that stage (``nnrg.core.runner``),
anything else goes to the project CLI (``nnrg.core.cli``)."""

import sys

from nnrg.core.registry import stage_module


def _main() -> int:
    argv = sys.argv[1:]
    if len(argv) == 1 and stage_module(argv[0]) is not None:
        from nnrg.core.runner import run_stage

        return run_stage(argv[0])
    from nnrg.core.cli import main

    return main(argv)


raise SystemExit(_main())
