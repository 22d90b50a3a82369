"""File I/O for stages: repo paths, params loading, and atomic, byte-deterministic writers.

Every writer goes through a temporary file in the target's directory and ``os.replace``, so an
interrupted stage never leaves a half-written out. Outputs carry no timestamps, so the same
inputs give the same bytes and ``dvc repro`` twice in a row is a no-op.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from nnrg.params import Params, from_dict

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def repo_root() -> Path:
    """``DVC_ROOT`` if set, else the nearest ancestor of the cwd holding ``dvc.yaml``, else cwd."""
    env = os.environ.get("DVC_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "dvc.yaml").exists():
            return candidate
    return here


def load_yaml(path: Path) -> Any:
    """Parse a YAML file (safe loader)."""
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def dump_yaml(data: Any) -> str:
    """YAML text with keys in insertion order."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=100)


def load_params(root: Path | None = None) -> Params:
    """Validated parameters from ``<root>/params.yaml``."""
    path = (root or repo_root()) / "params.yaml"
    if not path.exists():
        raise FileNotFoundError(f"no params.yaml at {path}")
    return from_dict(load_yaml(path) or {})


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(path: Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: Path, text: str) -> Path:
    """Atomically write UTF-8 ``text`` to ``path``."""
    return write_bytes(path, text.encode("utf-8"))


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, float) and not np.isfinite(obj):
        return None if np.isnan(obj) else ("inf" if obj > 0 else "-inf")
    return obj


def write_json(path: Path, data: Any) -> Path:
    """Atomically write sorted, indented JSON (numpy scalars converted, NaN -> null)."""
    return write_text(path, json.dumps(_jsonable(data), indent=2, sort_keys=True) + "\n")


def read_json(path: Path) -> Any:
    """Parse a JSON file."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_metrics_dir(directory: Path, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """``{stage: metrics}`` from every ``<stage>.json`` in ``directory``, minus ``exclude``."""
    return {p.stem: read_json(p) for p in sorted(Path(directory).glob("*.json"))
            if p.stem not in exclude}


def write_npz(path: Path, **arrays: np.ndarray) -> Path:
    """Atomically write a compressed ``.npz`` whose bytes depend only on the arrays.

    ``numpy.savez`` stamps the current time into the zip entries; here every entry carries the
    zip epoch, so reruns produce identical files. ``numpy.load`` reads the result as usual.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            arr_buf = io.BytesIO()
            np.lib.format.write_array(arr_buf, np.ascontiguousarray(arrays[name]),
                                      allow_pickle=False)
            zf.writestr(info, arr_buf.getvalue())
    return write_bytes(path, buf.getvalue())


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` file into a dict."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def write_figure(path: Path, fig: Any) -> Path:
    """Atomically save a matplotlib figure as a PNG without timestamp or version metadata."""
    import matplotlib.pyplot as plt

    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return Path(path)


def replace_dir(path: Path, build: Any) -> Path:
    """Build a directory out atomically: ``build(tmp_dir)`` fills it, then it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        build(tmp)
        if path.exists():
            old = path.with_name(f".{path.name}.old.tmp")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
