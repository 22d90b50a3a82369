"""nnrg: rebuild four studies of neural networks and the renormalization group from scratch."""

__version__ = "0.1.0"
