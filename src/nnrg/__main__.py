"""Entry point for ``python -m nnrg``."""

from nnrg.cli import main

raise SystemExit(main())
