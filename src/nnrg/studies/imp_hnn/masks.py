"""Magnitude pruning of masked weight tensors, replica by replica.

Masks are boolean tensors shaped like the weights, ``(R, ...)`` with one replica per leading
index. Pruning only ever removes weights: a pruned weight is never revived.
"""

from __future__ import annotations

import torch


def keep_largest(
    scores: list[torch.Tensor], masks: list[torch.Tensor], n_keep: torch.Tensor
) -> list[torch.Tensor]:
    """New masks keeping the ``n_keep`` (per replica) surviving weights of largest |score|.

    Scores are ranked jointly across the tensors; pruned weights stay pruned whatever their
    score; ties are broken by position.
    """
    n_rep = masks[0].shape[0]
    flat_s = torch.cat([s.detach().reshape(n_rep, -1).abs() for s in scores], dim=1)
    flat_m = torch.cat([m.reshape(n_rep, -1) for m in masks], dim=1)
    n_keep = torch.as_tensor(n_keep, device=flat_m.device).long().expand(n_rep)
    if torch.any(n_keep > flat_m.sum(dim=1)):
        raise ValueError("n_keep exceeds the surviving weights: pruning never revives a weight")
    score = torch.where(flat_m, flat_s, torch.full_like(flat_s, float("inf")))
    order = torch.argsort(score, dim=1, stable=True)
    k = flat_m.sum(dim=1) - n_keep  # number to remove
    ranks = torch.empty_like(order)
    ranks.scatter_(1, order, torch.arange(order.shape[1], device=order.device).expand_as(order))
    new_flat = flat_m & (ranks >= k[:, None])
    out, start = [], 0
    for m in masks:
        size = m[0].numel()
        out.append(new_flat[:, start : start + size].reshape(m.shape))
        start += size
    return out


def scheduled_keep(n_weights: int, fraction: float, step: int) -> int:
    """Weights kept after ``step`` prunings at rate ``fraction``: round(N (1 - x)^step).

    Follows the geometric schedule exactly even for small layers, where round(x * remaining)
    is 0 (the 50-weight input layer at x = 1%) and step-wise pruning would never start.
    """
    return int(round(n_weights * (1.0 - fraction) ** step))
