"""Study 001's params sections: the three Ising data sets, the beta regressor, Table I's nets
and Models 1-3, AE-WR, local entropy and the beta-flow."""

from __future__ import annotations

from dataclasses import dataclass, field

from nnrg.core.params import ParamsError, param
from nnrg.training.params import TrainingParams


@dataclass(frozen=True)
class IsingCriticalParams:
    """Study 001: L x L lattices at one beta near criticality, with two decimation steps."""

    L: int = param(32, 4, 512)
    beta: float = param(0.4352, 0.0, 10.0, lo_open=True)
    n_samples: int = param(30000, 10, 10**7)
    n_chains: int = param(64, 1, 10**5)
    test_fraction: float = param(0.2, 0.0, 1.0, lo_open=True, hi_open=True)
    seed: int = param(1001, 0, 2**32 - 1)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        if self.L % 4:
            raise ParamsError(f"{key}.L must be divisible by 4 (two decimation steps)")


@dataclass(frozen=True)
class IsingWideParams:
    """Study 001: lattices over a wide beta range for the beta regressor and AE-WR."""

    L: int = param(32, 4, 512)
    beta_min: float = param(0.01, 0.0, 10.0, lo_open=True)
    beta_max: float = param(0.6, 0.0, 10.0, lo_open=True)
    n_betas: int = param(60, 2, 10**5)
    n_samples: int = param(50000, 10, 10**7)
    n_chains: int = param(32, 1, 10**5)
    test_fraction: float = param(0.2, 0.0, 1.0, lo_open=True, hi_open=True)
    seed: int = param(1002, 0, 2**32 - 1)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        if self.beta_min >= self.beta_max:
            raise ParamsError(f"{key}.beta_min must be < {key}.beta_max")


@dataclass(frozen=True)
class IsingEntropyParams:
    """Study 001: a beta grid for the local-entropy comparison (paper: 20 x 1000)."""

    L: int = param(32, 4, 512)
    beta_min: float = param(0.025, 0.0, 10.0, lo_open=True)
    beta_max: float = param(0.5, 0.0, 10.0, lo_open=True)
    n_betas: int = param(20, 2, 10**4)
    samples_per_beta: int = param(1000, 1, 10**6)
    n_chains: int = param(32, 1, 10**5)
    seed: int = param(1003, 0, 2**32 - 1)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        if self.beta_min >= self.beta_max:
            raise ParamsError(f"{key}.beta_min must be < {key}.beta_max")


@dataclass(frozen=True)
class BetaRegressorParams:
    """Study 001 beta regressor 1024 -> hidden (tanh) -> 1 (ReLU), MSE, on the wide-beta set."""

    hidden: int = param(512, 1, 10**5)
    n_train: int = param(40000, 10, 10**7)
    # train on lattices moved by a random symmetry of the Ising model (flip, translation, D4)
    augment: bool = param(True)
    # predict (f(x) + f(-x)) / 2: exactly invariant under the global spin flip
    symmetrise: bool = param(True)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=60, batch_size=64, lr=2e-4, l1=0.0, seed=11, patience=8
        )
    )


@dataclass(frozen=True)
class AeModelsParams:
    """Study 001 Table I: shallow CG/UP nets, Models 1-3 (linear, bias-free, hinge loss, L1)."""

    n_train: int = param(6000, 10, 10**7)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=60, batch_size=64, lr=1e-3, l1=1e-6, seed=12, patience=5
        )
    )
    # Models 1 and 2 retrained at each of these L1 strengths (the paper does not state its own)
    l1_sweep: list = param([0.0, 1e-5, 1e-4])


@dataclass(frozen=True)
class AeWideParams:
    """Study 001 AE-WR: Model-1's architecture retrained on the wide-beta set."""

    n_train: int = param(8000, 10, 10**7)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=60, batch_size=64, lr=1e-3, l1=1e-6, seed=13, patience=5
        )
    )


@dataclass(frozen=True)
class AeEntropyParams:
    """Study 001 entropy comparison: lattices per beta taken from the ising_entropy set."""

    n_per_beta: int = param(1000, 1, 10**6)


@dataclass(frozen=True)
class BetaFlowParams:
    """Study 001 beta-flow read-out: fit degree, crossing window, iterations of sign(AE(x))."""

    fit_degree: int = param(1, 1, 9)
    degrees: list = param([1, 2, 3, 4, 5])
    fit_range: list = param([0.1, 0.6])
    # the main line's crossing refitted from each of these starts up to fit_range's end
    fit_range_starts: list = param([0.1, 0.2, 0.3])
    window: list = param([0.3, 0.7])
    iterations: int = param(10, 1, 1000)
    n_per_beta: int = param(200, 1, 10**6)
    n_boot: int = param(2000, 10, 10**6)  # bootstrap resamples of the lattices for the intervals

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        window = self.window
        if len(window) != 2 or not 0 < window[0] < window[1]:
            raise ParamsError(f"{key}.window must be [low, high] with 0 < low < high")
        fit_range = self.fit_range
        if len(fit_range) != 2 or not 0 <= fit_range[0] < fit_range[1]:
            raise ParamsError(f"{key}.fit_range must be [low, high] with 0 <= low < high")
        if any(d < 1 or d != int(d) for d in self.degrees):
            raise ParamsError(f"{key}.degrees must be positive integers")
