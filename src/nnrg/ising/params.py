"""The 2D Ising sampler's settings (section ``sampler``), shared by the data stages of studies
001 and 002."""

from __future__ import annotations

from dataclasses import dataclass

from nnrg.core.params import ParamsError, param

LOCAL_UPDATES = ("multispin", "scalar")  # bit-packed (64 chains a word) or one chain a site


@dataclass(frozen=True)
class SamplerParams:
    """Equilibration and thinning for every 2D Ising ensemble, in units of tau_int (|m|); the
    Wolff window [wolff_beta_min, wolff_beta_max] around beta_c; the local update elsewhere.
    This is the type :mod:`nnrg.ising.sampling` takes (``SamplerParams``)."""

    burn_in_tau: float = param(20.0, 1.0, 1e4)
    thin_tau: float = param(3.0, 0.5, 1e3)
    pilot_steps: int = param(200, 20, 10**6)
    max_pilot_steps: int = param(6400, 20, 10**7)
    min_burn_in: int = param(20, 0, 10**7)
    wolff_beta_min: float = param(0.40, 0.0, 10.0)
    wolff_beta_max: float = param(0.50, 0.0, 10.0)
    local_update: str = param("multispin", choices=LOCAL_UPDATES)

    def check(self, key: str) -> None:
        """Cross-field rules that one range cannot express."""
        if self.wolff_beta_min > self.wolff_beta_max:
            raise ParamsError(f"{key}.wolff_beta_min must be <= {key}.wolff_beta_max")
        if self.max_pilot_steps < self.pilot_steps:
            raise ParamsError(f"{key}.max_pilot_steps must be >= {key}.pilot_steps")
