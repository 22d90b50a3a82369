"""The 2D samplers against exact results; broken samplers must fail the same checks."""

import numpy as np
import pytest

from nnrg.ising.datasets import chi_square_pvalue
from nnrg.ising.exact import all_states, boltzmann_weights, lattice_energies
from nnrg.ising.exact_checks import bonferroni_threshold, exact_energy_check
from nnrg.ising.lattice import (
    BETA_C,
    energy_per_spin,
    metropolis_acceptance,
    metropolis_sweeps,
    random_lattices,
)
from nnrg.ising.multispin import multispin_sweeps, pack, probability_digits, unpack
from nnrg.ising.params import SamplerParams
from nnrg.ising.sampling import sample_ensemble
from nnrg.ising.wolff import wolff_add_probability, wolff_flips
from nnrg.numerics.rng import spawn_states

SETTINGS = SamplerParams(pilot_steps=100, max_pilot_steps=1600)


def single_site_kernel(size: int, beta: float, site: int, accept_fn) -> np.ndarray:
    """Exact transition matrix of one Metropolis update of ``site`` on all 2**(size^2) states."""
    states = all_states(size * size)
    n = len(states)
    i, j = divmod(site, size)
    grid = states.reshape(n, size, size).astype(int)
    nb = (
        grid[:, (i + 1) % size, j]
        + grid[:, i - 1, j]
        + grid[:, i, (j + 1) % size]
        + grid[:, i, j - 1]
    )
    k = grid[:, i, j] * nb
    acc = accept_fn(beta)[(k + 4) // 2]
    target = np.arange(n) ^ (1 << site)
    kernel = np.zeros((n, n))
    kernel[np.arange(n), target] = acc
    kernel[np.arange(n), np.arange(n)] += 1.0 - acc
    return kernel


def boltzmann_3x3(beta):
    return boltzmann_weights(lattice_energies(all_states(9), 3), beta)


@pytest.mark.parametrize("beta", [0.2, BETA_C, 0.9])
def test_metropolis_kernel_satisfies_detailed_balance_on_3x3(beta):
    pi = boltzmann_3x3(beta)
    for site in range(9):
        kern = single_site_kernel(3, beta, site, metropolis_acceptance)
        flow = pi[:, None] * kern
        np.testing.assert_allclose(flow, flow.T, atol=1e-15)


def test_checkerboard_sweep_kernel_preserves_boltzmann_distribution():
    beta = 0.5
    pi = boltzmann_3x3(beta)
    order = [
        i * 3 + j for color in range(2) for i in range(3) for j in range((i + color) % 2, 3, 2)
    ]
    sweep = np.eye(512)
    for site in order:
        sweep = sweep @ single_site_kernel(3, beta, site, metropolis_acceptance)
    np.testing.assert_allclose(pi @ sweep, pi, atol=1e-14)


def test_wrong_acceptance_rule_breaks_detailed_balance():
    def broken(beta):
        return metropolis_acceptance(0.5 * beta)

    pi = boltzmann_3x3(0.5)
    kern = single_site_kernel(3, 0.5, 4, broken)
    flow = pi[:, None] * kern
    assert np.abs(flow - flow.T).max() > 1e-4


def run_kernel(
    kind: str, spins: np.ndarray, accept: np.ndarray, sweeps: int, rounds: int | None = None
) -> np.ndarray:
    """Advance ``spins`` with the scalar or the multispin kernel under acceptance ``accept``
    (``rounds``: the multispin kernel's branch-free digits; None: its default)."""
    if kind == "scalar":
        metropolis_sweeps(
            spins, accept, sweeps, spawn_states(np.random.SeedSequence(7), len(spins))
        )
        return spins
    words = pack(spins)
    multispin_sweeps(
        words,
        probability_digits(accept[3]),
        probability_digits(accept[4]),
        sweeps,
        spawn_states(np.random.SeedSequence(7), len(words)),
        *(() if rounds is None else (rounds,)),
    )
    return unpack(words, len(spins))


def energy_histogram_pvalue(
    accept: np.ndarray, beta: float, kind: str, n_chains: int = 4000, rounds: int | None = None
) -> float:
    """Chi-square p-value of 4x4 energies after 60 sweeps from random starts vs enumeration."""
    rng = np.random.default_rng(5)
    spins = run_kernel(kind, random_lattices(n_chains, 4, rng), accept, 60, rounds)
    energies = lattice_energies(spins.reshape(n_chains, 16), 4)
    exact_e = lattice_energies(all_states(16), 4)
    levels = np.unique(exact_e)
    p_state = boltzmann_weights(exact_e, beta)
    expected = np.array([p_state[exact_e == e].sum() for e in levels])
    observed = np.array([(energies == e).sum() for e in levels])
    return chi_square_pvalue(observed, expected)[1]


@pytest.mark.parametrize("kind", ["scalar", "multispin"])
@pytest.mark.parametrize("beta", [0.35, 0.6])
def test_4x4_energy_histogram_matches_enumeration(kind, beta):
    assert energy_histogram_pvalue(metropolis_acceptance(beta), beta, kind) > 1e-4


@pytest.mark.parametrize("rounds", [0, 6, 53])
def test_every_number_of_branch_free_rounds_keeps_the_acceptance_law(rounds):
    """Early exit only (0), a fixed run then the loop (6), every digit fixed (53)."""
    beta = 0.6
    assert energy_histogram_pvalue(metropolis_acceptance(beta), beta, "multispin",
                                   rounds=rounds) > 1e-4  # fmt: skip
    spins = random_lattices(64, 8, np.random.default_rng(1))
    a = run_kernel("multispin", spins.copy(), metropolis_acceptance(beta), 30, rounds)
    other = 6 if rounds == 0 else 0  # (0 to 3 draw alike here: few sites decide that soon)
    b = run_kernel("multispin", spins.copy(), metropolis_acceptance(beta), 30, other)
    assert not np.array_equal(a, b)  # a different stream: the rounds are really used


@pytest.mark.parametrize("kind", ["scalar", "multispin"])
def test_4x4_energy_histogram_rejects_broken_acceptance(kind):
    assert energy_histogram_pvalue(metropolis_acceptance(0.6 * 0.35), 0.35, kind) < 1e-6


def test_pack_unpack_round_trip():
    spins = random_lattices(130, 6, np.random.default_rng(0))
    np.testing.assert_array_equal(unpack(pack(spins), 130), spins)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.0183156, 1.0])
def test_probability_digits_reconstruct_p(p):
    digits = probability_digits(p)
    assert (digits * 0.5 ** np.arange(1, 54)).sum() == pytest.approx(min(p, 1 - 2**-53), abs=1e-15)


def test_multispin_lanes_are_independent():
    # 64 copies of one start: lanes must decorrelate (shared random bits would keep them equal)
    spins = np.repeat(random_lattices(1, 8, np.random.default_rng(2)), 64, axis=0)
    out = run_kernel("multispin", spins, metropolis_acceptance(0.3), 20)
    m = out.reshape(64, -1).mean(axis=1)
    assert len(np.unique(out.reshape(64, -1), axis=0)) == 64
    assert m.std() > 0.05


CASES = [
    (10, 0.3),
    (10, BETA_C),
    (10, 0.4352),
    (10, 0.6),
    (32, 0.3),
    (32, BETA_C),
    (32, 0.4352),
    (32, 0.55),
]


def test_sampler_matches_kaufman_energy_within_bonferroni_bound():
    diags = []
    for k, (size, beta) in enumerate(CASES):
        _, diag = sample_ensemble(size, beta, 1600, 32, np.random.SeedSequence(100 + k), SETTINGS)
        diags.append((size, diag))
    for size in (10, 32):
        check = exact_energy_check(size, [d for s, d in diags if s == size])
        # Bonferroni over all betas of both sizes
        threshold = bonferroni_threshold(len(CASES), dof=31)
        assert check["max_abs_z_energy"] < threshold, check["per_beta"]


def test_specific_heat_matches_kaufman_at_l10():
    _, diag = sample_ensemble(10, 0.35, 8000, 32, np.random.SeedSequence(3), SETTINGS)
    check = exact_energy_check(10, [diag])
    assert check["max_abs_z_heat"] < bonferroni_threshold(1, dof=31)


def broken_metropolis_energy(size, beta, factor, n_chains=32, sweeps=400):
    spins = random_lattices(n_chains, size, np.random.default_rng(1))
    states = spawn_states(np.random.SeedSequence(2), n_chains)
    accept = metropolis_acceptance(factor * beta)
    metropolis_sweeps(spins, accept, 100, states)
    means = np.zeros(n_chains)
    for _ in range(sweeps // 4):
        metropolis_sweeps(spins, accept, 4, states)
        means += energy_per_spin(spins)
    return means / (sweeps // 4)


def test_energy_check_catches_wrong_acceptance_rule():
    from nnrg.ising.exact import kaufman_energy_and_heat
    from nnrg.numerics.stats import mean_of_replicas

    good = mean_of_replicas(broken_metropolis_energy(10, 0.3, 1.0))
    bad = mean_of_replicas(broken_metropolis_energy(10, 0.3, 0.8))
    exact = kaufman_energy_and_heat(10, 0.3)[0]
    threshold = bonferroni_threshold(1, dof=31)
    assert abs(good.z_score(exact)) < threshold
    assert abs(bad.z_score(exact)) > threshold


def test_wolff_with_wrong_bond_probability_fails_energy_check():
    from nnrg.ising.exact import kaufman_energy_and_heat
    from nnrg.numerics.stats import mean_of_replicas

    def run(p_add):
        spins = random_lattices(32, 10, np.random.default_rng(3))
        states = spawn_states(np.random.SeedSequence(4), 32)
        wolff_flips(spins, p_add, 200, states)
        acc = np.zeros(32)
        for _ in range(100):
            wolff_flips(spins, p_add, 3, states)
            acc += energy_per_spin(spins)
        return mean_of_replicas(acc / 100)

    exact = kaufman_energy_and_heat(10, BETA_C)[0]
    threshold = bonferroni_threshold(1, dof=31)
    assert abs(run(wolff_add_probability(BETA_C)).z_score(exact)) < threshold
    assert abs(run(wolff_add_probability(0.8 * BETA_C)).z_score(exact)) > threshold


def test_samples_are_deterministic_and_independent_of_thread_count():
    import numba

    def draw():
        return sample_ensemble(16, 0.42, 64, 8, np.random.SeedSequence(11), SETTINGS)[0]

    first = draw()
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        single = draw()
    finally:
        numba.set_num_threads(previous)
    np.testing.assert_array_equal(first, single)


def test_global_flip_symmetrises_ordered_samples():
    spins, diag = sample_ensemble(16, 0.7, 2000, 40, np.random.SeedSequence(8), SETTINGS)
    m = spins.reshape(len(spins), -1).mean(axis=1)
    assert diag.abs_magnetisation.mean > 0.95
    assert abs(np.mean(np.sign(m))) < 4 / np.sqrt(len(m))


def test_zero_and_infinite_temperature_are_sampled_exactly():
    cold, d0 = sample_ensemble(6, np.inf, 50, 4, np.random.SeedSequence(1), SETTINGS)
    hot, d1 = sample_ensemble(6, 0.0, 2000, 4, np.random.SeedSequence(1), SETTINGS)
    assert d0.algorithm == "ground_state" and np.all(np.abs(cold.sum(axis=(1, 2))) == 36)
    assert d1.algorithm == "independent_spins"
    # 36 independent spins: chi-square on the up-count histogram against Binomial(36, 1/2)
    from scipy.stats import binom

    ups = ((hot.reshape(2000, -1) + 1) // 2).sum(axis=1)
    observed = np.bincount(ups, minlength=37)
    assert chi_square_pvalue(observed, binom.pmf(np.arange(37), 36, 0.5))[1] > 1e-4


def test_wolff_is_used_only_inside_its_window():
    from nnrg.ising.sampling import choose_algorithm

    assert choose_algorithm(BETA_C, SETTINGS) == "wolff"
    assert choose_algorithm(0.40, SETTINGS) == "metropolis"
    assert choose_algorithm(0.3, SETTINGS) == "metropolis"
