"""Study 002's params sections: the 1D / 2D Ising data, the read-out classifiers, RBM flows on
Ising data and on MNIST."""

from __future__ import annotations

from dataclasses import dataclass, field

from nnrg.core.params import param
from nnrg.training.params import TrainingParams


@dataclass(frozen=True)
class IsingTemperaturesParams:
    """Study 002: L x L lattices at T in {0, dT, ..., T_max}, train / test / held-out sets."""

    L: int = param(10, 4, 256)
    t_max: float = param(6.0, 0.0, 100.0, lo_open=True)
    t_step: float = param(0.25, 0.0, 100.0, lo_open=True)
    samples_per_temperature: int = param(1000, 1, 10**6)
    n_chains: int = param(25, 1, 10**5)
    sparse_samples: int = param(1000, 1, 10**6)
    seed: int = param(2001, 0, 2**32 - 1)


@dataclass(frozen=True)
class IsingChainParams:
    """Study 002: periodic chains of n_spins sampled exactly, train / test / held-out sets."""

    n_spins: int = param(8, 2, 20)
    t_max: float = param(6.0, 0.0, 1e6, lo_open=True)
    t_step: float = param(0.25, 0.0, 1e6, lo_open=True)
    samples_per_temperature: int = param(1600, 1, 10**7)
    seed: int = param(2002, 0, 2**32 - 1)


@dataclass(frozen=True)
class RbmClassifiersParams:
    """Study 002 read-outs: temperature MLPs (1D 8-40-25, 2D 100-64-25, tanh, softmax) and the
    MNIST digit MLP (784-196-49-20-10, ReLU, Adam, L1); MNIST split into train/test/held-out."""

    chain_hidden: int = param(40, 1, 10**5)
    lattice_hidden: int = param(64, 1, 10**5)
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
    mnist_path: str = param("")
    mnist_test_fraction: float = param(0.2, 0.05, 0.45)
    mnist_heldout_fraction: float = param(0.2, 0.05, 0.45)
    seed: int = param(2020, 0, 2**32 - 1)


@dataclass(frozen=True)
class RbmTrainingParams:
    """CD-k with plain gradient ascent, early-stopped on the held-out reconstruction error."""

    epochs: int = param(20, 1, 10**6)
    lr: float = param(0.01, 0.0, 10.0, lo_open=True)
    batch_size: int = param(100, 1, 10**6)
    k: int = param(1, 1, 1000)
    cd_mode: str = param("sampled", choices=("sampled", "mean_field"))
    min_updates: int = param(2000, 0, 10**8)


@dataclass(frozen=True)
class RbmIsingParams:
    """Study 002 secs. 4.2, 4.3, 4.5: RBMs on 1D / 2D Ising subsets and their flows, read by the
    classifier and by the energy thermometer, in both flow modes and both CD variants."""

    chain_hidden: int = param(4, 1, 10**4)
    lattice_hidden: int = param(25, 1, 10**4)
    n_seeds: int = param(3, 1, 1000)
    flow_steps: int = param(40, 1, 10**5)
    n_start: int = param(200, 1, 10**6)
    low_regime_max: float = param(2.5, 0.0, 100.0)
    high_regime_min: float = param(2.0, 0.0, 100.0)
    excluded: list = param([1.75, 2.75])
    training: RbmTrainingParams = field(default_factory=RbmTrainingParams)
    sweep_epochs: list = param([5, 20, 60])
    sweep_lr: list = param([0.003, 0.01, 0.03])
    # hidden units of the all-T flow's sweep (the thesis's own: 4 and 25)
    sweep_hidden_chain: list = param([2, 4, 8])
    sweep_hidden_lattice: list = param([9, 25, 64])
    seed: int = param(2030, 0, 2**32 - 1)


@dataclass(frozen=True)
class RbmMnistParams:
    """Study 002 sec. 4.4: RBMs (784-49, sigmoid) on two digits, with linear mixtures or noise
    bridging them; flows read by the digit classifier."""

    hidden: int = param(49, 1, 10**5)
    n_seeds: int = param(3, 1, 1000)
    # the flow runs until no starting set's read-out, averaged over 10 steps, moved by more
    # than converge_tol (L1) from the 10 steps before, at most flow_steps steps (a flow that
    # hits the cap is reported as such)
    flow_steps: int = param(120, 1, 10**5)
    converge_tol: float = param(0.1, 0.0, 2.0)
    # final distributions within this L1 distance of each other are one fixed point
    group_distance: float = param(0.3, 0.0, 2.0)
    n_start: int = param(50, 1, 10**6)
    # mixtures per alpha as a share of the training digits per class: the thesis's 500 per
    # alpha on ~2700 digits (0.185), and its non-converging control, 100 per alpha (0.037)
    mix_ratio: float = param(0.185, 0.0, 100.0)
    mix_ratio_small: float = param(0.037, 0.0, 100.0)
    noise_levels: list = param([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    noise_values: list = param([-1, 1])  # eq. 4.4.2's eta; [0, 1] is run beside it
    training: RbmTrainingParams = field(
        default_factory=lambda: RbmTrainingParams(epochs=30, lr=0.05, batch_size=50)
    )
    seed: int = param(2040, 0, 2**32 - 1)
