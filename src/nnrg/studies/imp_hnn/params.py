"""Study 000's params sections: reference trajectories, dense HNN solvers, IMP per layer and of
the whole model, ticket transfer. Code deps of study 000's stages only."""

from __future__ import annotations

from dataclasses import dataclass, field

from nnrg.core.params import ParamsError, param
from nnrg.studies.imp_hnn.systems import SYSTEMS


@dataclass(frozen=True)
class TrajectoryParams:
    """One Hamiltonian system's initial state and time grid t in [0, t_max_pi * pi]."""

    z0: list = param([1.3, 1.0])
    t_max_pi: float = param(4.0, 0.0, 1e3, lo_open=True)
    n_points: int = param(200, 2, 10**7)


@dataclass(frozen=True)
class DynamicsParams:
    """Study 000: reference trajectories of the oscillator and Henon-Heiles."""

    rtol: float = param(1e-12, 1e-15, 1e-3)
    oscillator: TrajectoryParams = field(default_factory=TrajectoryParams)
    henon_heiles: TrajectoryParams = field(
        default_factory=lambda: TrajectoryParams(
            z0=[0.3, -0.3, 0.3, 0.15], t_max_pi=6.0, n_points=500
        )
    )

    def check(self, key: str) -> None:
        """Each initial state has its system's dimension."""
        for name, system in SYSTEMS.items():
            z0, dim = getattr(self, name).z0, len(system.labels)
            if len(z0) != dim:
                raise ParamsError(f"{key}.{name}.z0 must have {dim} entries, got {len(z0)}")


TIME_NOISE = ("none", "uniform_clamped", "gaussian_reflected")
KEEP = ("last_epoch", "best_of_final")


@dataclass(frozen=True)
class HnnTrainingParams:
    """Adam (``adam_betas``) on the HNN's Hamilton residual (study 000 eqs. 45 / 49: summed
    over components, averaged over points) at ``n_points`` times in [0, t_max], perturbed each
    epoch by ``time_noise`` with ``time_noise_scale`` grid spacings (uniform: half-width;
    Gaussian: standard deviation, reflected at the ends); lr decays from ``lr`` to
    ``lr_final`` (cosine) or stays at ``lr`` (constant); the network kept is the last epoch's
    or, per replica, the lowest-loss one of the final ``keep_fraction`` of epochs;
    ``energy_weight`` > 0 adds the original HNN's energy-conservation penalty.

    The thesis trains "with the hyper-parameters of the paper" (Mattheakis et al.; their code,
    mariosmat/hamiltonianNNetODEs: Adam betas (0.999, 0.9999), Gaussian noise of
    0.03 t_max (oscillator) / 0.3 t_max (Henon-Heiles) grid spacings, best network of the last
    20 % of epochs); ``profiles/paper.yaml`` and the paper-budget result set select that."""

    epochs: int = param(3000, 1, 10**7)
    lr: float = param(2e-2, 0.0, 1.0, lo_open=True)
    lr_final: float = param(1e-5, 0.0, 1.0)
    schedule: str = param("cosine", choices=("cosine", "constant"))
    n_points: int = param(50, 2, 10**6)
    adam_betas: list = param([0.9, 0.999])
    time_noise: str = param("uniform_clamped", choices=TIME_NOISE)
    time_noise_scale: float = param(0.5, 0.0, 1e4)
    keep: str = param("last_epoch", choices=KEEP)
    keep_fraction: float = param(0.2, 0.0, 1.0, lo_open=True)
    energy_weight: float = param(0.0, 0.0, 1e6)


@dataclass(frozen=True)
class HnnSystemsTraining:
    """One training recipe per Hamiltonian system."""

    oscillator: HnnTrainingParams = field(default_factory=HnnTrainingParams)
    henon_heiles: HnnTrainingParams = field(default_factory=lambda: HnnTrainingParams(epochs=2000))


def _long_training() -> HnnSystemsTraining:
    """The dense solvers' default: 1e4 cosine epochs, Mattheakis's point counts."""
    return HnnSystemsTraining(
        HnnTrainingParams(epochs=10000, n_points=200), HnnTrainingParams(epochs=10000, n_points=200)
    )


@dataclass(frozen=True)
class HnnDenseParams:
    """Study 000: dense HNN solvers, compared with the reference trajectories."""

    n_replicas: int = param(4, 1, 4096)
    hidden: int = param(50, 1, 10**4)
    seed: int = param(6000, 0, 2**32 - 1)
    training: HnnSystemsTraining = field(default_factory=_long_training)


@dataclass(frozen=True)
class ImpLayersParams:
    """Study 000 figs. 1-3: IMP of one layer at a time, at each rate down to ~10% density."""

    system: str = param("oscillator", choices=tuple(SYSTEMS))
    n_replicas: int = param(4, 1, 4096)
    hidden: int = param(50, 1, 10**4)
    fractions: list = param([0.05, 0.1])
    iterations: list = param([45, 22])
    ticket_factor: float = param(2.0, 1.0, 1e6)
    seed: int = param(6100, 0, 2**32 - 1)
    training: HnnTrainingParams = field(default_factory=HnnTrainingParams)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        if len(self.fractions) != len(self.iterations) or not self.fractions:
            raise ParamsError(
                f"{key}.fractions and {key}.iterations must be non-empty lists of equal length"
            )
        if any(not 0 < x < 1 for x in self.fractions):
            raise ParamsError(f"{key}.fractions must be in (0, 1)")
        if any(n < 1 or n != int(n) for n in self.iterations):
            raise ParamsError(f"{key}.iterations must be positive integers")


@dataclass(frozen=True)
class ImpGlobalParams:
    """Study 000 figs. 4-5 and the sigma table: whole-model IMP (one global threshold) for both
    systems, next to the sigma controls (random, layer-normalised, no retraining)."""

    n_replicas: int = param(4, 1, 4096)
    hidden: int = param(50, 1, 10**4)
    fraction: float = param(0.1, 0.0, 1.0, lo_open=True, hi_open=True)
    iterations: int = param(22, 1, 10**5)
    controls: bool = param(True)
    seed: int = param(6200, 0, 2**32 - 1)
    training: HnnSystemsTraining = field(default_factory=HnnSystemsTraining)


@dataclass(frozen=True)
class ThesisSigma:
    """Table 2 (sec. 9): sigma_1, sigma_2, sigma_3 of whole-model IMP per system, as printed."""

    oscillator: list = param([2.4778, -0.1710, 5.2449])
    henon_heiles: list = param([2.6447, -0.1205, 4.4276])


@dataclass(frozen=True)
class ImpAnalysisParams:
    """Study 000: read-outs of whole-model IMP. A density is a ticket when its loss is within
    ``ticket_factor`` of the dense loss. Eq. 35's identity is checked for the thesis's
    ``thesis_sigma`` at the thesis's rate ``thesis_fraction`` (c = 1 / (1 - x); sec. 8.3 prunes
    1 % per step), the comparison point of the sigma table."""

    ticket_factor: float = param(2.0, 1.0, 1e6)
    thesis_fraction: float = param(0.01, 0.0, 1.0, lo_open=True, hi_open=True)
    thesis_sigma: ThesisSigma = field(default_factory=ThesisSigma)

    def check(self, key: str) -> None:
        """Each system's triple has three entries."""
        for name in SYSTEMS:
            if len(getattr(self.thesis_sigma, name)) != 3:
                raise ParamsError(f"{key}.thesis_sigma.{name} must have 3 entries")


@dataclass(frozen=True)
class TicketTransferParams:
    """Study 000 sec. 9: IMP masks of one HNN applied to the other's initial weights and
    retrained with the target's ``imp_global`` recipe, next to random masks of equal density:
    at every ``every``-th IMP iteration, the last one and the iterations listed in ``also``."""

    every: int = param(1, 1, 10**5)
    also: list = param([])
    controls: bool = param(True)
    ticket_factor: float = param(2.0, 1.0, 1e6)
    beat_below: float = param(0.65, 0.0, 1.0)
    seed: int = param(6300, 0, 2**32 - 1)
