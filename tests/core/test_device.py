"""The device setting: resolved and checked on every machine; on a GPU (skipped without one),
every torch path runs there and agrees with the CPU within the stated tolerances."""

import numpy as np
import pytest
import torch

from nnrg.core import devices
from nnrg.studies.imp_hnn.hnn import BatchedHNN, tiled
from nnrg.studies.imp_hnn.imp import HnnProblem, HnnTraining, PruneGroup, imp
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.rbm_flow.classifier import mlp
from nnrg.studies.rbm_flow.rbm import RBM, RbmTraining, rbm_flow, train_rbm
from nnrg.training.loop import train

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")


def test_auto_is_cuda_only_when_torch_sees_a_gpu(monkeypatch):
    monkeypatch.delenv(devices.DEVICE_ENV, raising=False)
    want = "cuda" if torch.cuda.is_available() else "cpu"
    assert devices.resolve_device("auto").type == want
    assert devices.resolve_device("cpu").type == "cpu"


def test_the_environment_overrides_the_param_and_bad_values_name_their_source(monkeypatch):
    monkeypatch.setenv(devices.DEVICE_ENV, "cpu")
    assert devices.resolve_device("cuda").type == "cpu"
    monkeypatch.setenv(devices.DEVICE_ENV, "tpu")
    with pytest.raises(ValueError, match=r"\$NNRG_DEVICE: 'tpu' is not a device"):
        devices.resolve_device("cpu")
    monkeypatch.delenv(devices.DEVICE_ENV)
    with pytest.raises(ValueError, match=r"pipeline.device: 'gpu' is not a device"):
        devices.resolve_device("gpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_cuda_without_a_gpu_fails_in_one_line(monkeypatch):
    monkeypatch.delenv(devices.DEVICE_ENV, raising=False)
    with pytest.raises(ValueError, match="torch sees no CUDA GPU here"):
        devices.resolve_device("cuda")


def test_a_cpu_generator_stream_is_moved_unchanged():
    like = torch.zeros(3, dtype=torch.float64)
    a = devices.uniform((5,), devices.seeded_generator(4), like)
    b = torch.rand(5, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    assert torch.equal(a, b)


def oscillator() -> tuple[HnnProblem, HnnTraining]:
    s = get_system("oscillator")
    tr = HnnTraining(epochs=40, lr=1e-2, lr_final=1e-4, schedule="cosine", n_points=30, seed=2)
    return HnnProblem(s.field, s.energy, torch.tensor([1.3, 1.0]), np.pi), tr


def imp_on(device: str):
    prob, tr = oscillator()
    prob = HnnProblem(prob.field, prob.energy, prob.z0.to(device), prob.t_max)
    base = BatchedHNN(4, 2, hidden=16, generator=torch.Generator().manual_seed(1))
    groups = [PruneGroup(0, 4, ("input", "hidden", "output"), "magnitude", 0.2),
              PruneGroup(4, 8, ("hidden",), "random", 0.2)]  # fmt: skip
    return imp(tiled(base, 2).to(device), prob, tr, groups, 2)


@cuda
def test_imp_on_the_gpu_agrees_with_the_cpu():
    """Same initial weights, time points and random scores (CPU generators); float32 kernels
    differ, so losses agree to 1e-3 relative after 3 x 40 epochs and the density schedule is
    exact (masks may differ where two |theta| are within rounding)."""
    cpu, gpu = imp_on("cpu"), imp_on("cuda")
    np.testing.assert_array_equal(gpu.density, cpu.density)
    np.testing.assert_allclose(gpu.loss, cpu.loss, rtol=1e-3)
    assert np.mean(gpu.masks["hidden"] == cpu.masks["hidden"]) > 0.99


@cuda
def test_rbm_training_and_flow_run_on_the_gpu_like_on_the_cpu():
    """Different random streams (a generator on each device): the trained RBMs reconstruct
    held-out chain data equally well, within 5 %."""
    rng = np.random.default_rng(0)
    data = torch.as_tensor(
        rng.choice([-1.0, 1.0], size=(2000, 8)) * np.sign(rng.standard_normal((2000, 1)))
    )  # noqa: E501
    tr = RbmTraining.of(epochs=5, lr=0.01, batch_size=100, k=1, cd_mode="sampled", seed=3)
    errors = {}
    for device in ("cpu", "cuda"):
        rbm = RBM(8, 4, generator=torch.Generator().manual_seed(1), device=device)
        train_rbm(rbm, data[:1500], data[1500:], tr)
        assert rbm.device.type == device
        states = rbm_flow(rbm, data[1500:], 3, "sampled", 5)
        assert states[-1].device.type == device and set(states[-1].unique().tolist()) <= {-1, 1}
        errors[device] = rbm.reconstruction_error(data[1500:].to(device))
    assert errors["cuda"] == pytest.approx(errors["cpu"], rel=0.05)


@cuda
def test_classifier_training_on_the_gpu_agrees_with_the_cpu():
    """Same batches (CPU generator), float32 kernels: the loss curves agree to 1e-3."""
    rng = np.random.default_rng(1)
    x = torch.as_tensor(rng.standard_normal((512, 10)), dtype=torch.float32)
    y = torch.as_tensor((x[:, 0] > 0).long())
    curves = {}
    for device in ("cpu", "cuda"):
        torch.manual_seed(0)
        model = mlp([10, 16, 2], "tanh").to(device)
        h = train(model, x[:400], y[:400], x[400:], y[400:], loss="cross_entropy", epochs=5,
                  batch_size=32, lr=1e-2, l1=0.0, seed=0)  # fmt: skip
        curves[device] = np.array(h.validation)
    np.testing.assert_allclose(curves["cuda"], curves["cpu"], rtol=1e-3)
