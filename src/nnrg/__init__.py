"""nnrg: rebuild four studies of neural networks and the renormalization group from scratch."""

from importlib.metadata import PackageNotFoundError, version

try:  # the version is stated once, in pyproject.toml
    __version__ = version("nnrg")
except PackageNotFoundError:  # a source tree on PYTHONPATH without an install
    __version__ = "unknown"
