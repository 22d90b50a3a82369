"""Stage beta_flow: the beta-flow of AE-WR outputs read by the regressor (study 001, fig. 16),
with the controls the paper lacks: the regressor on raw inputs (no AE), a physical thermometer
(exact energy per spin -> beta), iterating x -> sign(AE(x)), and the crossing's sensitivity to
the fit degree and to feeding raw vs signed outputs. The decimation recursion
beta' = (3/8) ln cosh(4 beta) is shown with its exact fixed point and slope."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.ising.exact import decimation_fixed_point, decimation_recursion, decimation_slope
from nnrg.ising.lattice import BETA_C, energy_per_spin
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg import plots as plots_ae
from nnrg.studies.autoencoder_rg.analysis.flow import (
    EnergyThermometer,
    FlowCrossings,
    bootstrap_line_crossing,
    flow_crossings,
    paired_crossing_difference,
)
from nnrg.studies.autoencoder_rg.autoencoder import LinearChain, ae_sizes
from nnrg.studies.autoencoder_rg.params import (
    AeWideParams,
    BetaFlowParams,
    BetaRegressorParams,
    IsingWideParams,
)
from nnrg.studies.autoencoder_rg.stages.common import build_regressor, predict, read_wide_beta
from nnrg.training.runs import load_model

FIGURE_BETA_FLOW = "reports/figures/beta_flow.png"
FIGURE_BETA_FLOW_ITERATED = "reports/figures/beta_flow_iterated.png"
CURVES_BETA_FLOW = "reports/plots/beta_flow.csv"


STAGE = StageSpec(
    "beta_flow",
    BetaFlowParams,
    uses={"beta_regressor": BetaRegressorParams, "ae_wide": AeWideParams},
    reads={"ising_wide": IsingWideParams},
    tracks=("beta_regressor.hidden",),
    deps=(
        paths.ISING_WIDE,
        paths.AE_WIDE_MODEL,
        paths.BETA_REGRESSOR_MODEL,
    ),
    outs=(
        FIGURE_BETA_FLOW,
        FIGURE_BETA_FLOW_ITERATED,
        CURVES_BETA_FLOW,
    ),
    headline=(
        "main_line.beta",
        "main_line.beta_error",
        "main_line.slope",
        "rg.fixed_point",
    ),
    plots={
        "beta_flow": Plot(
            "nnrg_beta_flow",
            "Study 001: the beta-flow beta -> beta' of autoencoder outputs and of decimation "
            "(dashed: beta' = beta)",
            "beta",
            {
                CURVES_BETA_FLOW: [
                    "ae_raw",
                    "ae_signed",
                    "input_only",
                    "ae_energy",
                    "input_energy",
                    "decimation",
                ]
            },
            "input beta",
            "beta' read from the output",
        ),
    },
)


SERIES = ("ae_raw", "ae_signed", "input_only", "ae_energy", "input_energy")
READ_OUTS = ("ae_raw", "ae_signed", "input_only", "ae_energy")  # input_energy is the check


def read_flows(stage: Stage, data: dict) -> tuple[np.ndarray, dict, dict, dict]:
    """Per beta: the mean read-out of every series, the per-lattice read-outs of the read-out
    series, and the mean read-out of the iterated map x -> sign(AE(x))."""
    p, L = stage.section, stage.params.ising_wide.L
    ae = load_model(stage, paths.AE_WIDE_MODEL, LinearChain(ae_sizes(L * L)))
    net, reg = build_regressor(stage)
    load_model(stage, paths.BETA_REGRESSOR_MODEL, net)
    thermometer = EnergyThermometer(L)
    betas = np.unique(data["beta"])
    flow = {k: np.zeros(len(betas)) for k in SERIES}
    per: dict[str, list[np.ndarray]] = {k: [] for k in READ_OUTS}
    iterated = {k: np.zeros((len(betas), p.iterations + 1)) for k in ("regressor", "energy")}
    for k, beta in enumerate(stage.progress(betas, desc="betas")):
        x = data["spins"][data["beta"] == beta][: p.n_per_beta]
        raw = predict(ae, x).reshape(x.shape)
        signed = np.sign(raw)
        per["ae_raw"].append(predict(reg, raw))
        per["ae_signed"].append(predict(reg, signed))
        per["input_only"].append(predict(reg, x))
        per["ae_energy"].append(thermometer(energy_per_spin(signed)))
        for name in READ_OUTS:
            flow[name][k] = per[name][-1].mean()
        flow["input_energy"][k] = thermometer(energy_per_spin(x)).mean()
        y = x.astype(np.float32)
        for t in range(p.iterations + 1):
            iterated["regressor"][k, t] = predict(reg, y).mean()
            iterated["energy"][k, t] = thermometer(energy_per_spin(np.sign(y))).mean()
            y = np.sign(predict(ae, y)).reshape(x.shape)
    return betas, flow, per, iterated


def write_outputs(stage: Stage, betas, flow: dict, iterated: dict, c: FlowCrossings) -> None:
    """The flow table for ``dvc plots`` and the two figures (fig. 16 and the iterated map)."""
    p, fixed = stage.section, decimation_fixed_point()
    decimation = np.array([decimation_recursion(b) for b in betas])
    columns = ["beta", *SERIES, "decimation"]
    rows = [(b, *(flow[s][k] for s in SERIES), decimation[k]) for k, b in enumerate(betas)]
    table = write_csv(stage.path(CURVES_BETA_FLOW), columns, rows, dict.fromkeys(columns, ".6g"))
    stage.add_artifact(table, "plots")
    marks = {"exact beta_c": BETA_C, "decimation fixed point": fixed}
    if c.main:
        marks[f"AE-WR raw crossing (deg {p.fit_degree})"] = c.main.beta
    series = {f"AE-WR {s}": (flow[s], None) for s in SERIES if s != "input_energy"}
    series["energy of input (thermometer check)"] = (flow["input_energy"], None)
    series["decimation recursion"] = (decimation, None)
    fig = plots_ae.curves(
        betas, series, r"input $\beta$", r"read-out $\beta'$", identity=True, marks=marks
    )
    stage.add_artifact(write_figure(stage.path(FIGURE_BETA_FLOW), fig), "figures")
    fig = plots_ae.flow_trajectories(betas, iterated["regressor"], iterated["energy"])
    path = stage.path(FIGURE_BETA_FLOW_ITERATED)
    stage.add_artifact(write_figure(path, fig), "figures")


def summary(betas, flow: dict, iterated: dict, c: FlowCrossings, fit_degree: int) -> dict:
    """The stage's metrics: crossings, controls, the iterated map's end and the RG recursion."""
    fixed = decimation_fixed_point()
    spread = [
        v["beta"]
        for s in ("ae_raw", "ae_signed")
        for v in c.fits[s].values()
        if v["beta"] is not None
    ]
    end = {
        f"{b:.4f}".replace(".", "p"): float(v)
        for b, v in zip(betas, iterated["regressor"][:, -1], strict=True)
    }
    return {
        "crossing": c.main.as_dict() if c.main else {"beta": None},
        "crossing_found": c.main is not None,
        "crossings": c.fits,
        "data_crossings": c.measured,
        "ae_energy_crosses": bool(c.measured["ae_energy"]),
        "thermometer_max_deviation": float(np.max(np.abs(flow["input_energy"] - betas))),
        "unwindowed_crossing": c.unwindowed,
        "regressor_only_minus_ae": float(np.max(np.abs(flow["input_only"] - flow["ae_signed"]))),
        "regressor_only_minus_ae_raw": float(np.max(np.abs(flow["input_only"] - flow["ae_raw"]))),
        "crossing_spread": float(np.ptp(spread)) if spread else None,
        "input_only_crossing": c.fits["input_only"][f"deg{fit_degree}"],
        "energy_crossing": c.fits["ae_energy"][f"deg{fit_degree}"],
        "iterated_end": {
            "regressor": end,
            "energy_spread": float(np.ptp(iterated["energy"][:, -1])),
            "regressor_spread": float(np.ptp(iterated["regressor"][:, -1])),
        },
        "rg": {
            "fixed_point": fixed,
            "slope_at_fixed_point": decimation_slope(fixed),
            "repulsive": decimation_slope(fixed) > 1.0,
        },
    }


def main_line(betas: np.ndarray, per: dict, p) -> dict:
    """Fig. 16 by the paper's procedure: the regressor's beta of the lattices AE-WR produces
    (outputs binarised to spins), a line over the paper's range, its crossing with beta' = beta
    and slope there with bootstrap intervals over lattices; the crossing over a grid of fit
    ranges for signed and raw outputs; and each control (no AE, the energy thermometer, raw
    outputs) with its paired difference from the main line."""
    fr = (float(p.fit_range[0]), float(p.fit_range[1]))
    main = bootstrap_line_crossing(betas, per["ae_signed"], fr, p.n_boot)
    grid = {
        series: {
            f"from{lo:g}".replace(".", "p"): bootstrap_line_crossing(
                betas, per[series], (float(lo), fr[1]), p.n_boot
            )
            for lo in p.fit_range_starts
        }
        for series in ("ae_signed", "ae_raw")
    }
    controls = {
        name: {
            **bootstrap_line_crossing(betas, per[name], fr, p.n_boot),
            "minus_main": paired_crossing_difference(
                betas, per[name], per["ae_signed"], fr, p.n_boot
            ),
        }
        for name in ("input_only", "ae_energy", "ae_raw")
    }
    found = [v["beta"] for g in grid.values() for v in g.values() if v["beta"] is not None]
    fixed = decimation_fixed_point()
    closer = None
    if main["beta"] is not None:
        closer = {"value": abs(main["beta"] - BETA_C) - abs(fixed - BETA_C),
                  "error": main.get("beta_error")}  # fmt: skip
    return {
        "main_line": main,
        "fit_range_grid": grid,
        "fit_range_spread": float(np.ptp(found)) if found else None,
        "controls": controls,
        "closer_to_beta_c_than_decimation": closer,
    }


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    betas, flow, per, iterated = read_flows(stage, read_wide_beta(stage, "test"))
    read_outs = {name: flow[name] for name in READ_OUTS}
    degrees = [int(d) for d in p.degrees]
    c = flow_crossings(
        betas, read_outs, degrees, p.fit_degree, tuple(p.fit_range), tuple(p.window), "ae_raw"
    )
    write_outputs(stage, betas, flow, iterated, c)
    stage.finish({**summary(betas, flow, iterated, c, p.fit_degree), **main_line(betas, per, p)})
