"""Writers are atomic and byte-deterministic."""

import numpy as np
import pytest

from nnrg.core.io import read_npz, replace_dir, write_figure, write_npz, write_text


def test_npz_bytes_do_not_depend_on_time(tmp_path):
    arr = np.arange(10, dtype=np.int8)
    a = write_npz(tmp_path / "a.npz", x=arr, y=arr * 2).read_bytes()
    import time

    time.sleep(2.1)  # zip timestamps have 2 s resolution
    b = write_npz(tmp_path / "b.npz", y=arr * 2, x=arr).read_bytes()
    assert a == b
    np.testing.assert_array_equal(read_npz(tmp_path / "a.npz")["y"], arr * 2)


def test_failed_write_leaves_target_untouched_and_no_temp_files(tmp_path):
    target = write_text(tmp_path / "out.txt", "old")

    class Boom(Exception):
        pass

    from nnrg.core.io import atomic_path

    with pytest.raises(Boom), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise Boom
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_replace_dir_swaps_whole_directory(tmp_path):
    out = tmp_path / "d"
    replace_dir(out, lambda d: (d / "a").write_text("1"))
    replace_dir(out, lambda d: (d / "b").write_text("2"))
    assert sorted(p.name for p in out.iterdir()) == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_figures_are_byte_deterministic(tmp_path):
    import matplotlib.pyplot as plt

    def fig():
        f, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        return f

    assert (
        write_figure(tmp_path / "a.png", fig()).read_bytes()
        == write_figure(tmp_path / "b.png", fig()).read_bytes()
    )


def test_read_npz_names_the_file_and_what_is_wrong(tmp_path):
    import numpy as np
    import pytest

    from nnrg.core.io import InputError, read_npz, write_npz

    path = write_npz(tmp_path / "x.npz", spins=np.zeros((3, 4, 4), np.int8), beta=np.zeros(3))
    assert read_npz(path, require={"spins": (None, 4, 4), "beta": (None,)})["beta"].shape == (3,)
    with pytest.raises(InputError, match=r"x.npz: missing array 'label' \(has: beta, spins\)"):
        read_npz(path, require={"label": None})
    with pytest.raises(InputError, match=r"'spins' has shape \(3, 4, 4\), expected \(n, 8, 8\)"):
        read_npz(path, require={"spins": (None, 8, 8)})
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(InputError, match="x.npz: not a readable .npz"):
        read_npz(path)
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        read_npz(tmp_path / "nope.npz")


def test_weights_of_another_model_are_an_input_error(tmp_path):
    import pytest
    import torch

    from nnrg.core.io import InputError, write_npz
    from nnrg.training.loop import state_arrays
    from nnrg.training.weights import load_weights

    path = write_npz(tmp_path / "m.npz", **state_arrays(torch.nn.Linear(3, 2)))
    assert load_weights(torch.nn.Linear(3, 2), path).weight.shape == (2, 3)
    with pytest.raises(InputError, match="m.npz: does not hold the weights of Linear"):
        load_weights(torch.nn.Linear(5, 2), path)


def test_yaml_is_strict_about_duplicates_and_reads_yaml_1_2_numbers(tmp_path):
    import pytest

    from nnrg.core.io import InputError, load_yaml

    good = tmp_path / "good.yaml"
    good.write_text("a: 25e-2\nb: &x {c: 1, d: 2}\ne:\n  <<: *x\n  d: 3\n")
    assert load_yaml(good) == {"a": 0.25, "b": {"c": 1, "d": 2}, "e": {"c": 1, "d": 3}}
    dup = tmp_path / "dup.yaml"
    dup.write_text("a: 1\nb: 2\na: 3\n")
    with pytest.raises(InputError, match=r"dup.yaml: malformed YAML at line 3.*duplicate key 'a'"):
        load_yaml(dup)
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(InputError, match="bad.yaml: malformed YAML at line"):
        load_yaml(bad)
