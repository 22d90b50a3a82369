"""Writers are atomic and byte-deterministic."""

import numpy as np
import pytest

from nnrg.stages.io import read_npz, replace_dir, write_figure, write_npz, write_text


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

    from nnrg.stages.io import atomic_path

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

    assert (write_figure(tmp_path / "a.png", fig()).read_bytes()
            == write_figure(tmp_path / "b.png", fig()).read_bytes())
