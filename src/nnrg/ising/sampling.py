"""Equilibrium ensembles of 2D Ising lattices: pilot tau_int, burn-in, thinning, global flips.

One call samples one coupling beta with ``n_chains`` independent chains. Random streams are
spawned from the call's SeedSequence: one per chain for Wolff and scalar Metropolis, one per
64-chain word for multispin Metropolis; either way results do not depend on the thread count.
Local checkerboard Metropolis is used except inside the Wolff window around beta_c,
where single-cluster updates decorrelate |m| far faster. The step unit is one sweep
(Metropolis) or one cluster flip (Wolff); tau_int, burn-in and thinning are in that unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from nnrg.ising.lattice import (
    BETA_C,
    energy_per_spin,
    magnetisation_per_spin,
    metropolis_acceptance,
    metropolis_sweeps,
    ordered_lattices,
    random_lattices,
)
from nnrg.ising.multispin import multispin_sweeps, pack, probability_digits, unpack
from nnrg.ising.params import LOCAL_UPDATES, SamplerParams
from nnrg.ising.wolff import wolff_add_probability, wolff_flips
from nnrg.numerics.autocorr import integrated_time
from nnrg.numerics.rng import spawn_states
from nnrg.numerics.stats import Estimate, mean_of_replicas


class Chains:
    """A batch of Markov chains at one beta, advanced by one update kind.

    ``step(n)`` advances every chain n steps; ``spins()`` returns the current
    ``(B, L, L) int8`` lattices. The multispin kind keeps the chains bit-packed (64 per word,
    one random stream per word) and unpacks only to measure.
    """

    def __init__(
        self,
        spins: np.ndarray,
        beta: float,
        algorithm: str,
        local_update: str,
        seed: np.random.SeedSequence,
    ) -> None:
        self.n = len(spins)
        self.algorithm = algorithm
        self.packed = algorithm == "metropolis" and local_update == "multispin"
        if algorithm == "wolff":
            self._spins = spins
            self._states = spawn_states(seed, self.n)
            self._p_add = wolff_add_probability(beta)
        elif self.packed:
            self._words = pack(spins)
            self._states = spawn_states(seed, len(self._words))
            accept = metropolis_acceptance(beta)
            self._digits1 = probability_digits(accept[3])
            self._digits0 = probability_digits(accept[4])
        elif local_update == "scalar":
            self._spins = spins
            self._states = spawn_states(seed, self.n)
            self._accept = metropolis_acceptance(beta)
        else:
            raise ValueError(f"local_update must be one of {LOCAL_UPDATES}, got {local_update!r}")

    def step(self, n_steps: int) -> None:
        """Advance all chains ``n_steps`` (sweeps or cluster flips)."""
        if self.algorithm == "wolff":
            wolff_flips(self._spins, self._p_add, n_steps, self._states)
        elif self.packed:
            multispin_sweeps(self._words, self._digits1, self._digits0, n_steps, self._states)
        else:
            metropolis_sweeps(self._spins, self._accept, n_steps, self._states)

    def spins(self) -> np.ndarray:
        """Current lattices, ``(B, L, L) int8`` (a copy for packed chains, else a view)."""
        return unpack(self._words, self.n) if self.packed else self._spins


@dataclass(frozen=True)
class EnsembleDiagnostics:
    """What the sampler did for one beta, for the dataset metadata and the stage metrics."""

    beta: float
    algorithm: str
    step_unit: str
    tau_int: float
    pilot_steps: int
    burn_in: int
    thin: int
    n_chains: int
    samples_per_chain: int
    mean_flipped_fraction: float  # spins flipped per site and step during the pilot
    energy: Estimate
    specific_heat: Estimate
    abs_magnetisation: Estimate
    tau_resolved: bool = field(default=True)

    def as_dict(self) -> dict:
        """JSON-ready dict (Estimates become nested dicts)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("energy", "specific_heat", "abs_magnetisation"):
            out[key] = out[key].as_dict()
        return out


def choose_algorithm(beta: float, settings: SamplerParams) -> str:
    """'wolff' inside the open window (wolff_beta_min, wolff_beta_max), else 'metropolis'."""
    return "wolff" if settings.wolff_beta_min < beta < settings.wolff_beta_max else "metropolis"


def _trivial_ensemble(size, beta, n_samples, rng) -> tuple[np.ndarray, EnsembleDiagnostics]:
    """Exact i.i.d. samples at T = 0 (aligned) or T = inf (independent spins)."""
    if np.isinf(beta):
        spins, algorithm = ordered_lattices(n_samples, size, rng), "ground_state"
    else:
        spins, algorithm = random_lattices(n_samples, size, rng), "independent_spins"
    e = energy_per_spin(spins)
    zero = Estimate(0.0, 0.0, n_samples)
    diag = EnsembleDiagnostics(
        beta=float(beta),
        algorithm=algorithm,
        step_unit="exact draw",
        tau_int=1.0,
        pilot_steps=0,
        burn_in=0,
        thin=1,
        n_chains=n_samples,
        samples_per_chain=1,
        mean_flipped_fraction=0.0,
        energy=mean_of_replicas(e),
        specific_heat=zero,
        abs_magnetisation=mean_of_replicas(np.abs(magnetisation_per_spin(spins))),
    )
    return spins, diag


def sample_ensemble(
    size: int,
    beta: float,
    n_samples: int,
    n_chains: int,
    seed: np.random.SeedSequence,
    settings: SamplerParams,
) -> tuple[np.ndarray, EnsembleDiagnostics]:
    """Draw ``n_samples`` equilibrium ``(size, size)`` lattices at coupling ``beta``.

    Returns spins ``(n_samples, size, size) int8`` (chain-interleaved, each globally flipped
    with probability 1/2) and the diagnostics. beta = 0 and beta = inf are sampled exactly.
    """
    if n_samples < 1 or n_chains < 1:
        raise ValueError(f"n_samples and n_chains must be >= 1, got {n_samples}, {n_chains}")
    chain_seed, host_seed = seed.spawn(2)
    rng = np.random.default_rng(host_seed)
    if beta == 0.0 or np.isinf(beta):
        return _trivial_ensemble(size, beta, n_samples, rng)
    n_chains = min(n_chains, n_samples)
    per_chain = math.ceil(n_samples / n_chains)
    if beta > BETA_C:
        start = ordered_lattices(n_chains, size, rng)
    else:
        start = random_lattices(n_chains, size, rng)
    algorithm = choose_algorithm(beta, settings)
    chains = Chains(start, beta, algorithm, settings.local_update, chain_seed)

    trace: list[np.ndarray] = []
    flipped = 0
    pilot, tau, resolved = 0, 1.0, False
    target = settings.pilot_steps
    while True:
        while pilot < target:
            before = chains.spins().copy()
            chains.step(1)
            now = chains.spins()
            flipped += int(np.count_nonzero(before != now))
            trace.append(np.abs(magnetisation_per_spin(now)))
            pilot += 1
        series = np.array(trace[pilot // 2 :]).T
        tau = integrated_time(series)
        resolved = series.shape[1] >= 50.0 * tau
        if resolved or target >= settings.max_pilot_steps:
            break
        target = min(2 * target, settings.max_pilot_steps)

    burn_in = max(math.ceil(settings.burn_in_tau * tau), settings.min_burn_in)
    if burn_in > pilot:
        chains.step(burn_in - pilot)
    thin = max(1, math.ceil(settings.thin_tau * tau))
    out = np.empty((per_chain, n_chains, size, size), dtype=np.int8)
    for k in range(per_chain):
        chains.step(thin)
        out[k] = chains.spins()
    n_sites = size * size
    flip_fraction = flipped / (pilot * n_chains * n_sites)

    energies = energy_per_spin(out.reshape(-1, size, size)).reshape(per_chain, n_chains)
    mags = np.abs(magnetisation_per_spin(out.reshape(-1, size, size))).reshape(per_chain, n_chains)
    heat = beta * beta * n_sites * energies.var(axis=0, ddof=1) if per_chain > 1 else np.zeros(1)
    samples = out.reshape(-1, size, size)[:n_samples].copy()
    flips = rng.random(n_samples) < 0.5
    samples[flips] *= -1
    diag = EnsembleDiagnostics(
        beta=float(beta),
        algorithm=algorithm,
        step_unit="cluster flip" if algorithm == "wolff" else "sweep",
        tau_int=float(tau),
        pilot_steps=pilot,
        burn_in=burn_in,
        thin=thin,
        n_chains=n_chains,
        samples_per_chain=per_chain,
        mean_flipped_fraction=float(flip_fraction),
        energy=mean_of_replicas(energies.mean(axis=0)),
        specific_heat=mean_of_replicas(heat),
        abs_magnetisation=mean_of_replicas(mags.mean(axis=0)),
        tau_resolved=bool(resolved),
    )
    return samples, diag


def sample_grid(
    size: int,
    betas: np.ndarray,
    n_per_beta: np.ndarray,
    n_chains: int,
    seed: np.random.SeedSequence,
    settings: SamplerParams,
    progress=None,
) -> tuple[np.ndarray, np.ndarray, list[EnsembleDiagnostics]]:
    """Sample ``n_per_beta[k]`` lattices at each ``betas[k]``, each beta on its own seed child.

    Returns spins ``(sum n, size, size) int8``, the beta of every lattice ``(sum n,)``, and one
    diagnostics record per beta. ``progress(k)`` is called after each beta, if given.
    """
    children = seed.spawn(len(betas))
    chunks, labels, diags = [], [], []
    for k, (beta, n, child) in enumerate(zip(betas, n_per_beta, children, strict=True)):
        spins, diag = sample_ensemble(size, float(beta), int(n), n_chains, child, settings)
        chunks.append(spins)
        labels.append(np.full(int(n), beta, dtype=np.float64))
        diags.append(diag)
        if progress is not None:
            progress(k)
    return np.concatenate(chunks), np.concatenate(labels), diags
