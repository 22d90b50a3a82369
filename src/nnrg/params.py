"""Typed, validated parameters: one frozen dataclass per ``params.yaml`` section.

The dataclass defaults *are* the default profile; ``profiles/<name>.yaml`` overlays change
some keys (tiny: for tests; paper: the papers' own sample counts and epochs).
``load_params`` rejects unknown keys and out-of-range values with a message naming the key.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")


def _bound(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    choices: tuple | None = None,
) -> dict:
    return {"lo": lo, "hi": hi, "lo_open": lo_open, "hi_open": hi_open, "choices": choices}


def p(default: Any, lo: float | None = None, hi: float | None = None, **kw: Any) -> Any:
    """A dataclass field with a default and a validated range (or ``choices``)."""
    meta = _bound(lo, hi, **kw)
    if isinstance(default, list | dict):
        return field(default_factory=lambda d=default: type(d)(d), metadata=meta)
    return field(default=default, metadata=meta)


PARALLEL_BACKENDS = ("serial", "ray")  # see nnrg.fanout


def overridden(setting: str, env: str, key: str) -> tuple[str, str]:
    """Param ``key``'s value ``setting``, unless environment variable ``env`` is set (it
    wins), lower-cased, with where it came from (``$ENV`` or the key) for a one-line error.

    >>> overridden("Ray", "NNRG_UNSET_FOR_DOCTEST", "pipeline.parallel")
    ('ray', 'pipeline.parallel')
    """
    if os.environ.get(env):
        return os.environ[env].strip().lower(), f"${env}"
    return setting.strip().lower(), key


@dataclass(frozen=True)
class PipelineParams:
    """Pipeline-wide settings."""

    profile: str = p("default")  # the profile it was generated from (profiles/<name>.yaml)
    experiment: str = p("nnrg")
    # where torch computes: auto (CUDA when available, else CPU), cpu, cuda, cuda:N;
    # $NNRG_DEVICE overrides it (see nnrg.devices)
    device: str = p("auto")
    # how the heavy stages run their independent units: serial (in the stage's process) or
    # ray (local workers, or the cluster at $RAY_ADDRESS); $NNRG_PARALLEL overrides it
    parallel: str = p("ray", choices=PARALLEL_BACKENDS)
    workers: int = p(0, 0, 4096)  # local Ray workers; 0: one per core
    # the HNN epoch under torch.compile with fused Adam (faster, see docs/performance.md);
    # numbers differ from the eager epoch's in the last digits, so the committed result sets
    # run eager; $NNRG_COMPILE=1 turns it on for one run
    compile: bool = p(False)


LOCAL_UPDATES = ("multispin", "scalar")  # bit-packed (64 chains a word) or one chain a site


@dataclass(frozen=True)
class SamplerParams:
    """Equilibration and thinning for every 2D Ising ensemble, in units of tau_int (|m|); the
    Wolff window [wolff_beta_min, wolff_beta_max] around beta_c; the local update elsewhere.
    This is the type :mod:`nnrg.physics.sampling` takes (``SamplerParams``)."""

    burn_in_tau: float = p(20.0, 1.0, 1e4)
    thin_tau: float = p(3.0, 0.5, 1e3)
    pilot_steps: int = p(200, 20, 10**6)
    max_pilot_steps: int = p(6400, 20, 10**7)
    min_burn_in: int = p(20, 0, 10**7)
    wolff_beta_min: float = p(0.40, 0.0, 10.0)
    wolff_beta_max: float = p(0.50, 0.0, 10.0)
    local_update: str = p("multispin", choices=LOCAL_UPDATES)


@dataclass(frozen=True)
class IsingCriticalParams:
    """Study 001: L x L lattices at one beta near criticality, with two decimation steps."""

    L: int = p(32, 4, 512)
    beta: float = p(0.4352, 0.0, 10.0, lo_open=True)
    n_samples: int = p(30000, 10, 10**7)
    n_chains: int = p(64, 1, 10**5)
    test_fraction: float = p(0.2, 0.0, 1.0, lo_open=True, hi_open=True)
    seed: int = p(1001, 0, 2**32 - 1)


@dataclass(frozen=True)
class IsingWideParams:
    """Study 001: lattices over a wide beta range for the beta regressor and AE-WR."""

    L: int = p(32, 4, 512)
    beta_min: float = p(0.01, 0.0, 10.0, lo_open=True)
    beta_max: float = p(0.6, 0.0, 10.0, lo_open=True)
    n_betas: int = p(60, 2, 10**5)
    n_samples: int = p(50000, 10, 10**7)
    n_chains: int = p(32, 1, 10**5)
    test_fraction: float = p(0.2, 0.0, 1.0, lo_open=True, hi_open=True)
    seed: int = p(1002, 0, 2**32 - 1)


@dataclass(frozen=True)
class IsingEntropyParams:
    """Study 001: a beta grid for the local-entropy comparison (paper: 20 x 1000)."""

    L: int = p(32, 4, 512)
    beta_min: float = p(0.025, 0.0, 10.0, lo_open=True)
    beta_max: float = p(0.5, 0.0, 10.0, lo_open=True)
    n_betas: int = p(20, 2, 10**4)
    samples_per_beta: int = p(1000, 1, 10**6)
    n_chains: int = p(32, 1, 10**5)
    seed: int = p(1003, 0, 2**32 - 1)


@dataclass(frozen=True)
class IsingTemperaturesParams:
    """Study 002: L x L lattices at T in {0, dT, ..., T_max}, train / test / held-out sets."""

    L: int = p(10, 4, 256)
    t_max: float = p(6.0, 0.0, 100.0, lo_open=True)
    t_step: float = p(0.25, 0.0, 100.0, lo_open=True)
    samples_per_temperature: int = p(1000, 1, 10**6)
    n_chains: int = p(25, 1, 10**5)
    sparse_samples: int = p(1000, 1, 10**6)
    seed: int = p(2001, 0, 2**32 - 1)


@dataclass(frozen=True)
class IsingChainParams:
    """Study 002: periodic chains of n_spins sampled exactly, train / test / held-out sets."""

    n_spins: int = p(8, 2, 20)
    t_max: float = p(6.0, 0.0, 1e6, lo_open=True)
    t_step: float = p(0.25, 0.0, 1e6, lo_open=True)
    samples_per_temperature: int = p(1600, 1, 10**7)
    seed: int = p(2002, 0, 2**32 - 1)


@dataclass(frozen=True)
class TrajectoryParams:
    """One Hamiltonian system's initial state and time grid t in [0, t_max_pi * pi]."""

    z0: list = p([1.3, 1.0])
    t_max_pi: float = p(4.0, 0.0, 1e3, lo_open=True)
    n_points: int = p(200, 2, 10**7)


@dataclass(frozen=True)
class DynamicsParams:
    """Study 000: reference trajectories of the oscillator and Henon-Heiles."""

    rtol: float = p(1e-12, 1e-15, 1e-3)
    oscillator: TrajectoryParams = field(default_factory=TrajectoryParams)
    henon_heiles: TrajectoryParams = field(
        default_factory=lambda: TrajectoryParams(
            z0=[0.3, -0.3, 0.3, 0.15], t_max_pi=6.0, n_points=500
        )
    )


HNN_SYSTEMS = ("oscillator", "henon_heiles")


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

    epochs: int = p(3000, 1, 10**7)
    lr: float = p(2e-2, 0.0, 1.0, lo_open=True)
    lr_final: float = p(1e-5, 0.0, 1.0)
    schedule: str = p("cosine", choices=("cosine", "constant"))
    n_points: int = p(50, 2, 10**6)
    adam_betas: list = p([0.9, 0.999])
    time_noise: str = p("uniform_clamped", choices=TIME_NOISE)
    time_noise_scale: float = p(0.5, 0.0, 1e4)
    keep: str = p("last_epoch", choices=KEEP)
    keep_fraction: float = p(0.2, 0.0, 1.0, lo_open=True)
    energy_weight: float = p(0.0, 0.0, 1e6)


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

    n_replicas: int = p(4, 1, 4096)
    hidden: int = p(50, 1, 10**4)
    seed: int = p(6000, 0, 2**32 - 1)
    training: HnnSystemsTraining = field(default_factory=_long_training)


@dataclass(frozen=True)
class ImpLayersParams:
    """Study 000 figs. 1-3: IMP of one layer at a time, at each rate down to ~10% density."""

    system: str = p("oscillator", choices=HNN_SYSTEMS)
    n_replicas: int = p(4, 1, 4096)
    hidden: int = p(50, 1, 10**4)
    fractions: list = p([0.05, 0.1])
    iterations: list = p([45, 22])
    ticket_factor: float = p(2.0, 1.0, 1e6)
    seed: int = p(6100, 0, 2**32 - 1)
    training: HnnTrainingParams = field(default_factory=HnnTrainingParams)


@dataclass(frozen=True)
class ImpGlobalParams:
    """Study 000 figs. 4-5 and the sigma table: whole-model IMP (one global threshold) for both
    systems, next to the sigma controls (random, layer-normalised, no retraining)."""

    n_replicas: int = p(4, 1, 4096)
    hidden: int = p(50, 1, 10**4)
    fraction: float = p(0.1, 0.0, 1.0, lo_open=True, hi_open=True)
    iterations: int = p(22, 1, 10**5)
    controls: bool = p(True)
    ticket_factor: float = p(2.0, 1.0, 1e6)
    seed: int = p(6200, 0, 2**32 - 1)
    training: HnnSystemsTraining = field(default_factory=HnnSystemsTraining)


@dataclass(frozen=True)
class TicketTransferParams:
    """Study 000 sec. 9: IMP masks of one HNN applied to the other's initial weights and
    retrained with the target's ``imp_global`` recipe, next to random masks of equal density."""

    every: int = p(1, 1, 10**5)
    controls: bool = p(True)
    ticket_factor: float = p(2.0, 1.0, 1e6)
    beat_below: float = p(0.65, 0.0, 1.0)
    seed: int = p(6300, 0, 2**32 - 1)


NNQFT_POINTS = [-0.01, -0.006, -0.002, 0.002, 0.006, 0.01]


@dataclass(frozen=True)
class NnqftWidthParams:
    """Study 004: Green functions vs width N at fixed sb, sW (paper: 20 bags x 30,000 nets)."""

    points: list = p(NNQFT_POINTS)
    s_b: float = p(1.0, 0.0, 10.0)
    s_w: float = p(1.0, 0.0, 100.0, lo_open=True)
    widths: list = p([2, 3, 4, 5, 10, 20, 50, 100, 500, 1000])
    n_bags: int = p(20, 2, 10**4)
    n_nets: int = p(30000, 10, 10**8)
    n_seeds: int = p(2, 1, 100)
    seed: int = p(4001, 0, 2**32 - 1)


@dataclass(frozen=True)
class NnqftSigmaParams:
    """Study 004: couplings u4, u6 vs sW at a few widths (paper: sb = 0, 30 bags x 30,000)."""

    points: list = p(NNQFT_POINTS)
    s_w_values: list = p([1.0 + 0.5 * k for k in range(19)] + [20.0])
    s_b_values: list = p([0.0, 1.0])
    widths: list = p([10])
    n_bags: int = p(20, 2, 10**4)
    n_nets: int = p(20000, 10, 10**8)
    seed: int = p(4002, 0, 2**32 - 1)


OPTIMIZERS = ("adam", "sgd")  # sgd: plain mini-batch gradient descent (no momentum)


@dataclass(frozen=True)
class TrainingParams:
    """Adam mini-batch training (study 001 paper: 4000 epochs, batch 10, 20% validation)."""

    epochs: int = p(20, 1, 10**5)
    batch_size: int = p(64, 1, 10**6)
    lr: float = p(1e-3, 0.0, 1.0, lo_open=True)
    l1: float = p(1e-6, 0.0, 1.0)
    validation_fraction: float = p(0.2, 0.0, 0.9)
    seed: int = p(0, 0, 2**32 - 1)
    # early stopping: epochs without a better validation loss before stopping (the best
    # epoch's weights are kept); null trains every epoch and keeps the last
    patience: int | None = p(None, 1, 10**5)
    optimizer: str = p("adam", choices=OPTIMIZERS)


@dataclass(frozen=True)
class BetaRegressorParams:
    """Study 001 beta regressor 1024 -> hidden (tanh) -> 1 (ReLU), MSE, on the wide-beta set."""

    hidden: int = p(512, 1, 10**5)
    n_train: int = p(40000, 10, 10**7)
    # train on lattices moved by a random symmetry of the Ising model (flip, translation, D4)
    augment: bool = p(True)
    # predict (f(x) + f(-x)) / 2: exactly invariant under the global spin flip
    symmetrise: bool = p(True)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=60, batch_size=64, lr=2e-4, l1=0.0, seed=11, patience=8
        )
    )


@dataclass(frozen=True)
class AeModelsParams:
    """Study 001 Table I: shallow CG/UP nets, Models 1-3 (linear, bias-free, hinge loss, L1)."""

    n_train: int = p(6000, 10, 10**7)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=60, batch_size=64, lr=1e-3, l1=1e-6, seed=12, patience=5
        )
    )
    # Models 1 and 2 retrained at each of these L1 strengths (the paper does not state its own)
    l1_sweep: list = p([0.0, 1e-5, 1e-4])


@dataclass(frozen=True)
class AeWideParams:
    """Study 001 AE-WR: Model-1's architecture retrained on the wide-beta set."""

    n_train: int = p(8000, 10, 10**7)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=60, batch_size=64, lr=1e-3, l1=1e-6, seed=13, patience=5
        )
    )


@dataclass(frozen=True)
class AeEntropyParams:
    """Study 001 entropy comparison: lattices per beta taken from the ising_entropy set."""

    n_per_beta: int = p(1000, 1, 10**6)


@dataclass(frozen=True)
class BetaFlowParams:
    """Study 001 beta-flow read-out: fit degree, crossing window, iterations of sign(AE(x))."""

    fit_degree: int = p(1, 1, 9)
    degrees: list = p([1, 2, 3, 4, 5])
    fit_range: list = p([0.1, 0.6])
    # the main line's crossing refitted from each of these starts up to fit_range's end
    fit_range_starts: list = p([0.1, 0.2, 0.3])
    window: list = p([0.3, 0.7])
    iterations: int = p(10, 1, 1000)
    n_per_beta: int = p(200, 1, 10**6)
    n_boot: int = p(2000, 10, 10**6)  # bootstrap resamples of the lattices for the intervals


@dataclass(frozen=True)
class RbmClassifiersParams:
    """Study 002 read-outs: temperature MLPs (1D 8-40-25, 2D 100-64-25, tanh, softmax) and the
    MNIST digit MLP (784-196-49-20-10, ReLU, Adam, L1); MNIST split into train/test/held-out."""

    chain_hidden: int = p(40, 1, 10**5)
    lattice_hidden: int = p(64, 1, 10**5)
    training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=100, batch_size=256, lr=3e-3, l1=0.0, seed=21, patience=8
        )
    )
    # the thesis's own optimiser for the temperature MLPs (sec. 4.2: "gradient descent"), as a
    # variant classifier beside the Adam one: each flow endpoint is read by both
    gd_training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=200, batch_size=256, lr=0.1, l1=0.0, seed=21, patience=10, optimizer="sgd"
        )
    )
    mnist_training: TrainingParams = field(
        default_factory=lambda: TrainingParams(
            epochs=100, batch_size=64, lr=1e-3, l1=1e-6, seed=22, patience=5
        )
    )
    mnist_path: str = p("")
    mnist_test_fraction: float = p(0.2, 0.05, 0.45)
    mnist_heldout_fraction: float = p(0.2, 0.05, 0.45)
    seed: int = p(2020, 0, 2**32 - 1)


@dataclass(frozen=True)
class RbmTrainingParams:
    """CD-k with plain gradient ascent, early-stopped on the held-out reconstruction error."""

    epochs: int = p(20, 1, 10**6)
    lr: float = p(0.01, 0.0, 10.0, lo_open=True)
    batch_size: int = p(100, 1, 10**6)
    k: int = p(1, 1, 1000)
    cd_mode: str = p("sampled", choices=("sampled", "mean_field"))
    min_updates: int = p(2000, 0, 10**8)


@dataclass(frozen=True)
class RbmIsingParams:
    """Study 002 secs. 4.2, 4.3, 4.5: RBMs on 1D / 2D Ising subsets and their flows, read by the
    classifier and by the energy thermometer, in both flow modes and both CD variants."""

    chain_hidden: int = p(4, 1, 10**4)
    lattice_hidden: int = p(25, 1, 10**4)
    n_seeds: int = p(3, 1, 1000)
    flow_steps: int = p(40, 1, 10**5)
    n_start: int = p(200, 1, 10**6)
    low_regime_max: float = p(2.5, 0.0, 100.0)
    high_regime_min: float = p(2.0, 0.0, 100.0)
    excluded: list = p([1.75, 2.75])
    training: RbmTrainingParams = field(default_factory=RbmTrainingParams)
    sweep_epochs: list = p([5, 20, 60])
    sweep_lr: list = p([0.003, 0.01, 0.03])
    # hidden units of the all-T flow's sweep (the thesis's own: 4 and 25)
    sweep_hidden_chain: list = p([2, 4, 8])
    sweep_hidden_lattice: list = p([9, 25, 64])
    seed: int = p(2030, 0, 2**32 - 1)


@dataclass(frozen=True)
class RbmMnistParams:
    """Study 002 sec. 4.4: RBMs (784-49, sigmoid) on two digits, with linear mixtures or noise
    bridging them; flows read by the digit classifier."""

    hidden: int = p(49, 1, 10**5)
    n_seeds: int = p(3, 1, 1000)
    # the flow runs until no starting set's read-out, averaged over 10 steps, moved by more
    # than converge_tol (L1) from the 10 steps before, at most flow_steps steps (a flow that
    # hits the cap is reported as such)
    flow_steps: int = p(120, 1, 10**5)
    converge_tol: float = p(0.1, 0.0, 2.0)
    # final distributions within this L1 distance of each other are one fixed point
    group_distance: float = p(0.3, 0.0, 2.0)
    n_start: int = p(50, 1, 10**6)
    # mixtures per alpha as a share of the training digits per class: the thesis's 500 per
    # alpha on ~2700 digits (0.185), and its non-converging control, 100 per alpha (0.037)
    mix_ratio: float = p(0.185, 0.0, 100.0)
    mix_ratio_small: float = p(0.037, 0.0, 100.0)
    noise_levels: list = p([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    noise_values: list = p([-1, 1])  # eq. 4.4.2's eta; [0, 1] is run beside it
    training: RbmTrainingParams = field(
        default_factory=lambda: RbmTrainingParams(epochs=30, lr=0.05, batch_size=50)
    )
    seed: int = p(2040, 0, 2**32 - 1)


@dataclass(frozen=True)
class ReportParams:
    """Claims registry evaluation."""

    claims_file: str = p("reports/claims.yaml")


@dataclass(frozen=True)
class Params:
    """All sections of ``params.yaml``; section name == stage name == module name."""

    pipeline: PipelineParams = field(default_factory=PipelineParams)
    sampler: SamplerParams = field(default_factory=SamplerParams)
    ising_critical: IsingCriticalParams = field(default_factory=IsingCriticalParams)
    ising_wide: IsingWideParams = field(default_factory=IsingWideParams)
    ising_entropy: IsingEntropyParams = field(default_factory=IsingEntropyParams)
    ising_temperatures: IsingTemperaturesParams = field(default_factory=IsingTemperaturesParams)
    ising_chain: IsingChainParams = field(default_factory=IsingChainParams)
    dynamics: DynamicsParams = field(default_factory=DynamicsParams)
    hnn_dense: HnnDenseParams = field(default_factory=HnnDenseParams)
    imp_layers: ImpLayersParams = field(default_factory=ImpLayersParams)
    imp_global: ImpGlobalParams = field(default_factory=ImpGlobalParams)
    ticket_transfer: TicketTransferParams = field(default_factory=TicketTransferParams)
    nnqft_width: NnqftWidthParams = field(default_factory=NnqftWidthParams)
    nnqft_sigma: NnqftSigmaParams = field(default_factory=NnqftSigmaParams)
    beta_regressor: BetaRegressorParams = field(default_factory=BetaRegressorParams)
    ae_models: AeModelsParams = field(default_factory=AeModelsParams)
    ae_wide: AeWideParams = field(default_factory=AeWideParams)
    ae_entropy: AeEntropyParams = field(default_factory=AeEntropyParams)
    beta_flow: BetaFlowParams = field(default_factory=BetaFlowParams)
    rbm_classifiers: RbmClassifiersParams = field(default_factory=RbmClassifiersParams)
    rbm_ising: RbmIsingParams = field(default_factory=RbmIsingParams)
    rbm_mnist: RbmMnistParams = field(default_factory=RbmMnistParams)
    report: ReportParams = field(default_factory=ReportParams)


class ParamsError(ValueError):
    """A parameter is unknown, missing its type, or out of its allowed range."""


def library_config(cls: type[T], section: Any, **overrides: Any) -> T:
    """The library's config type ``cls`` built from a params section by field name: the one
    way a stage turns params into what the library takes, so no field is copied by hand.

    Each field of ``cls`` takes ``overrides[name]`` if given, else ``section.<name>``, else its
    own default; a field with none of the three, or an override that ``cls`` lacks, is a
    TypeError (a renamed field cannot be dropped silently).
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
    values = {}
    for name, f in fields.items():
        if name in overrides:
            values[name] = overrides[name]
        elif hasattr(section, name):
            values[name] = getattr(section, name)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{name}: not in {type(section).__name__} and not given")
    return cls(**values)


def _check_value(key: str, value: Any, hint: Any, meta: dict) -> Any:
    args = get_args(hint)
    if type(None) in args:  # Optional[T]: null is allowed, anything else is checked as T
        if value is None:
            return None
        hint = next(a for a in args if a is not type(None))
    if hint is bool:
        if not isinstance(value, bool):
            raise ParamsError(f"{key} must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamsError(f"{key} must be an integer, got {value!r}")
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{key} must be a number, got {value!r}")
        value = float(value)
        if math.isnan(value):
            raise ParamsError(f"{key} must be a number, got NaN")
    elif hint is str:
        if not isinstance(value, str):
            raise ParamsError(f"{key} must be a string, got {value!r}")
    elif hint is list or get_origin(hint) is list:
        if not isinstance(value, list) or not all(isinstance(v, int | float) for v in value):
            raise ParamsError(f"{key} must be a list of numbers, got {value!r}")
        return [float(v) for v in value]
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ParamsError(f"{key} must be one of {list(choices)}, got {value!r}")
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None or hi is not None:
        below = lo is not None and (value <= lo if meta["lo_open"] else value < lo)
        above = hi is not None and (value >= hi if meta["hi_open"] else value > hi)
        if below or above:
            left = "(" if meta["lo_open"] else "["
            right = ")" if meta["hi_open"] else "]"
            raise ParamsError(f"{key} must be in {left}{lo}, {hi}{right}, got {value!r}")
    return value


def build(cls: type, data: dict | None, prefix: str = "") -> Any:
    """Build dataclass ``cls`` from a mapping, validating every key; missing keys take defaults."""
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ParamsError(f"{prefix or 'params'} must be a mapping, got {type(data).__name__}")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        where = prefix or "params.yaml"
        raise ParamsError(
            f"unknown key {prefix + unknown[0]!r} in {where}; valid keys: {sorted(fields)}"
        )
    kwargs = {}
    for name, f in fields.items():
        if name not in data:
            continue
        hint = hints[name]
        key = prefix + name
        if dataclasses.is_dataclass(hint):
            kwargs[name] = build(hint, data[name], key + ".")
        else:
            kwargs[name] = _check_value(key, data[name], hint, dict(f.metadata))
    return cls(**kwargs)


def require_complete(
    data: Any, where: str = "params.yaml", cls: type = Params, prefix: str = ""
) -> None:
    """Every section and key of ``cls`` is present in ``data`` (an empty file or section, a
    missing section or key raises ParamsError naming it)."""
    if not prefix and not data:
        raise ParamsError(
            f"{where} is empty: regenerate it with `python -m nnrg profile "
            f"default` (or tiny, paper)"
        )
    if not isinstance(data, dict):
        raise ParamsError(
            f"{where}: {prefix.rstrip('.') or 'the file'} must be a mapping, "
            f"got {type(data).__name__}"
        )
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        key = prefix + f.name
        if f.name not in data:
            kind = "section" if not prefix else "key"
            raise ParamsError(
                f"{where}: missing {kind} {key!r} (the active params file must "
                f"be complete; `python -m nnrg profile NAME` writes one)"
            )
        if dataclasses.is_dataclass(hints[f.name]):
            if not data[f.name]:
                raise ParamsError(f"{where}: section {key!r} is empty")
            require_complete(data[f.name], where, hints[f.name], key + ".")


def validate(params: Params) -> Params:
    """Cross-field checks that a single range cannot express."""
    s = params.sampler
    if s.wolff_beta_min > s.wolff_beta_max:
        raise ParamsError("sampler.wolff_beta_min must be <= sampler.wolff_beta_max")
    if s.max_pilot_steps < s.pilot_steps:
        raise ParamsError("sampler.max_pilot_steps must be >= sampler.pilot_steps")
    for name in ("ising_wide", "ising_entropy"):
        sec = getattr(params, name)
        if sec.beta_min >= sec.beta_max:
            raise ParamsError(f"{name}.beta_min must be < {name}.beta_max")
    if params.ising_critical.L % 4:
        raise ParamsError("ising_critical.L must be divisible by 4 (two decimation steps)")
    for name in ("nnqft_width", "nnqft_sigma"):
        if len(getattr(params, name).points) != 6:
            raise ParamsError(f"{name}.points must list 6 points (the paper's point set)")
    w = params.nnqft_width
    if any(n < 1 or n != int(n) for n in w.widths) or len(w.widths) < 2:
        raise ParamsError("nnqft_width.widths must be >= 2 positive integers")
    sg = params.nnqft_sigma
    if any(n < 1 or n != int(n) for n in sg.widths):
        raise ParamsError("nnqft_sigma.widths must be positive integers")
    if any(v <= 0 for v in sg.s_w_values) or len(sg.s_w_values) < 2:
        raise ParamsError("nnqft_sigma.s_w_values must be >= 2 values > 0")
    if any(v < 0 for v in sg.s_b_values):
        raise ParamsError("nnqft_sigma.s_b_values must be >= 0")
    window = params.beta_flow.window
    if len(window) != 2 or not 0 < window[0] < window[1]:
        raise ParamsError("beta_flow.window must be [low, high] with 0 < low < high")
    fit_range = params.beta_flow.fit_range
    if len(fit_range) != 2 or not 0 <= fit_range[0] < fit_range[1]:
        raise ParamsError("beta_flow.fit_range must be [low, high] with 0 <= low < high")
    if any(d < 1 or d != int(d) for d in params.beta_flow.degrees):
        raise ParamsError("beta_flow.degrees must be positive integers")
    for name, dim in (("oscillator", 2), ("henon_heiles", 4)):
        z0 = getattr(params.dynamics, name).z0
        if len(z0) != dim:
            raise ParamsError(f"dynamics.{name}.z0 must have {dim} entries, got {len(z0)}")
    layers = params.imp_layers
    if len(layers.fractions) != len(layers.iterations) or not layers.fractions:
        raise ParamsError(
            "imp_layers.fractions and imp_layers.iterations must be non-empty lists of equal length"
        )
    if any(not 0 < x < 1 for x in layers.fractions):
        raise ParamsError("imp_layers.fractions must be in (0, 1)")
    if any(n < 1 or n != int(n) for n in layers.iterations):
        raise ParamsError("imp_layers.iterations must be positive integers")
    return params


def from_dict(data: dict) -> Params:
    """Validated ``Params`` from a parsed ``params.yaml`` mapping."""
    return validate(build(Params, data))


def to_dict(params: Params) -> dict:
    """Plain nested dict (for YAML and MLflow)."""
    return dataclasses.asdict(params)


def deep_merge(base: dict, overlay: dict, prefix: str = "") -> dict:
    """``base`` with ``overlay``'s keys replaced recursively; an overlay key not in base fails."""
    out = dict(base)
    for key, value in overlay.items():
        if key not in base:
            raise ParamsError(f"profile overlay key {prefix + key!r} does not exist")
        if isinstance(value, dict) and isinstance(base[key], dict):
            out[key] = deep_merge(base[key], value, prefix + key + ".")
        else:
            out[key] = value
    return out


def flatten(tree: dict, prefix: str = "") -> dict[str, Any]:
    """Flatten a nested dict to dotted keys: {'a': {'b': 1}} -> {'a.b': 1}."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def section_names() -> list[str]:
    """Names of all params sections (== stage names where a stage exists)."""
    return [f.name for f in dataclasses.fields(Params)]
