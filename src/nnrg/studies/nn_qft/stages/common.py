"""Shared by the study-004 stages: Gauss-net ensembles sampled with a progress bar."""

from __future__ import annotations

from nnrg.core.stage import Stage
from nnrg.studies.nn_qft.gaussnet import bags_green_functions


def sample_bags(stage: Stage, points, width, s_b, s_w, n_bags, n_nets, seeds, combos, label):
    """Per-bag G^(n) ``{n: (n_seeds * n_bags, M_n)}`` for one configuration, with a bar."""
    bar = stage.progress(total=n_bags * len(seeds), desc=label)
    out = bags_green_functions(
        points, width, s_b, s_w, n_bags, n_nets, list(seeds), combos, progress=bar.update
    )
    bar.close()
    return out
