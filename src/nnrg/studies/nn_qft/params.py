"""Study 004's params sections: Green functions vs width, couplings vs sigma_W."""

from __future__ import annotations

from dataclasses import dataclass

from nnrg.core.params import ParamsError, param

NNQFT_POINTS = [-0.01, -0.006, -0.002, 0.002, 0.006, 0.01]


def check_points(key: str, points: list) -> None:
    """The paper's point set has 6 points (sec. 3)."""
    if len(points) != 6:
        raise ParamsError(f"{key}.points must list 6 points (the paper's point set)")


@dataclass(frozen=True)
class NnqftWidthParams:
    """Study 004: Green functions vs width N at fixed sb, sW (paper: 20 bags x 30,000 nets)."""

    points: list = param(NNQFT_POINTS)
    s_b: float = param(1.0, 0.0, 10.0)
    s_w: float = param(1.0, 0.0, 100.0, lo_open=True)
    widths: list = param([2, 3, 4, 5, 10, 20, 50, 100, 500, 1000])
    n_bags: int = param(20, 2, 10**4)
    n_nets: int = param(30000, 10, 10**8)
    n_seeds: int = param(2, 1, 100)
    seed: int = param(4001, 0, 2**32 - 1)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        check_points(key, self.points)
        if any(n < 1 or n != int(n) for n in self.widths) or len(self.widths) < 2:
            raise ParamsError(f"{key}.widths must be >= 2 positive integers")


@dataclass(frozen=True)
class NnqftSigmaParams:
    """Study 004: couplings u4, u6 vs sW at a few widths (paper: sb = 0, 30 bags x 30,000)."""

    points: list = param(NNQFT_POINTS)
    s_w_values: list = param([1.0 + 0.5 * k for k in range(19)] + [20.0])
    s_b_values: list = param([0.0, 1.0])
    widths: list = param([10])
    n_bags: int = param(20, 2, 10**4)
    n_nets: int = param(20000, 10, 10**8)
    seed: int = param(4002, 0, 2**32 - 1)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        check_points(key, self.points)
        if any(n < 1 or n != int(n) for n in self.widths):
            raise ParamsError(f"{key}.widths must be positive integers")
        if any(v <= 0 for v in self.s_w_values) or len(self.s_w_values) < 2:
            raise ParamsError(f"{key}.s_w_values must be >= 2 values > 0")
        if any(v < 0 for v in self.s_b_values):
            raise ParamsError(f"{key}.s_b_values must be >= 0")
