"""File I/O for stages: repo paths, params loading, and atomic, byte-deterministic writers.

Every writer goes through a temporary file in the target's directory and ``os.replace``, so an
interrupted stage never leaves a half-written out. Outputs carry no timestamps, so the same
inputs give the same bytes and ``dvc repro`` twice in a row is a no-op.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from nnrg.core.params import from_dict, params_type, require_complete

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
SIGNIFICANT_DIGITS = 6
"""Significant digits of every value a stage records (records, headline metrics, the claims
table) and of every value a figure draws: BLAS and CPU kernels differ across machines in the
15th digit, so a rebuild elsewhere writes the same files. Quantities that are themselves at
the rounding level (energy drifts near 1e-12) can still differ."""


class InputError(ValueError):
    """An input file is unreadable or not what the stage expects; the message names the file
    and what is wrong, in one line."""


def repo_root() -> Path:
    """The working copy a stage runs in: the nearest ancestor of the cwd holding ``dvc.yaml``
    (else the cwd). Params, inputs and outputs always come from here; ``DVC_ROOT`` (set by DVC
    to the parent repository in a queued experiment) only locates the shared MLflow store, see
    :func:`nnrg.core.tracking.store_root`."""
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "dvc.yaml").exists():
            return candidate
    return here


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, plus: a duplicate key is an error, and numbers in YAML 1.2 form
    (``25e-2``, ``1e5``: an exponent without a dot) are floats, not strings."""


_StrictLoader.yaml_implicit_resolvers = {
    k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FLOAT_12 = re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")
for _first in "+-0123456789":
    _StrictLoader.yaml_implicit_resolvers.setdefault(_first, []).append(
        ("tag:yaml.org,2002:float", _FLOAT_12)
    )


def _mapping_without_duplicates(
    loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False
) -> dict:
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor` may be overridden
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file (strict safe loader, see ``_StrictLoader``); a malformed file or a
    duplicate key raises :class:`InputError` in one line, with line and column."""
    with open(path, encoding="utf-8") as fh:
        try:
            return yaml.load(fh, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(err, "problem", None) or str(err).splitlines()[0]
            raise InputError(f"{path}: malformed YAML{where}: {problem}") from None


class _PlainDumper(yaml.SafeDumper):
    """The safe dumper without anchors and aliases: a value shared by two keys is written out
    twice, so every key of a params file reads on its own."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """YAML text with keys in insertion order."""
    return yaml.dump(
        data, Dumper=_PlainDumper, sort_keys=False, default_flow_style=False, width=100
    )


def load_params(sections: dict[str, type], root: Path | None = None) -> Any:
    """Validated params of ``sections`` (name -> section type) from ``<root>/params.yaml``,
    each of which must be complete: every key present (a profile overlay may leave keys to the
    defaults; the active file, which DVC tracks key by key, may not). A stage loads only the
    sections it declares, so a study's params types are code deps of its own stages only; the
    CLI's ``nnrg params`` loads every section (``nnrg.core.registry.all_sections``)."""
    path = (root or repo_root()) / "params.yaml"
    if not path.exists():
        raise FileNotFoundError(f"no params.yaml at {path}")
    data = load_yaml(path)
    require_complete(data, params_type(sections), path.name)
    return from_dict(data, sections)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _respect_umask(path: Path, directory: bool = False) -> None:
    """mkstemp / mkdtemp create 0600 / 0700; give outs the modes a plain open would
    (0644 / 0755 under the usual umask 022)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


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
        _respect_umask(tmp_path)
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


def _as_tree(obj: Any) -> Any:
    """A dataclass instance (an ``Estimate``, a fit result) as the dict of its fields, so
    records are written from typed results; anything else unchanged."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


def _jsonable(obj: Any) -> Any:
    obj = _as_tree(obj)
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


def significant(obj: Any, digits: int = SIGNIFICANT_DIGITS) -> Any:
    """``obj`` with every float (in dicts, lists, numpy scalars and arrays) rounded to
    ``digits`` significant digits; ints, bools, strings and non-finite floats unchanged.

    >>> significant({"a": [0.123456789, 2], "b": 1234567.89, "c": True})
    {'a': [0.123457, 2], 'b': 1234570.0, 'c': True}
    """
    obj = _as_tree(obj)
    if isinstance(obj, dict):
        return {k: significant(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [significant(v, digits) for v in obj]
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind != "f":
            return obj
        flat = [float(f"{v:.{digits}g}") for v in obj.ravel().tolist()]
        return np.asarray(flat, dtype=obj.dtype).reshape(obj.shape)
    if isinstance(obj, np.generic):
        return significant(obj.item(), digits)
    if isinstance(obj, float) and np.isfinite(obj):
        return float(f"{obj:.{digits}g}")
    return obj


def write_json(path: Path, data: Any, digits: int | None = None) -> Path:
    """Atomically write sorted, indented JSON (numpy scalars converted, NaN -> null), floats
    rounded to ``digits`` significant digits when given (see :func:`significant`)."""
    tree = _jsonable(data if digits is None else significant(data, digits))
    return write_text(path, json.dumps(tree, indent=2, sort_keys=True) + "\n")


def csv_text(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], formats: Mapping[str, str] | None = None
) -> str:
    """CSV text: a header of ``columns``, then one line per row, each value written with
    ``format(value, formats[column])`` (no entry: ``format(value, "")``, i.e. ``str``).

    >>> print(csv_text(["beta", "n", "ok"], [(0.123456789, 3, True)], {"beta": ".4g"}), end="")
    beta,n,ok
    0.1235,3,True
    """
    specs = [(formats or {}).get(c, "") for c in columns]
    lines = [",".join(columns)]
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row has {len(row)} values for {len(columns)} columns: {row!r}")
        lines.append(",".join(format(v, s) for v, s in zip(row, specs, strict=True)))
    return "\n".join(lines) + "\n"


def write_csv(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Mapping[str, str] | None = None,
) -> Path:
    """Atomically write a table (see :func:`csv_text`): the one CSV writer of every stage."""
    return write_text(path, csv_text(columns, rows, formats))


def read_json(path: Path) -> Any:
    """Parse a JSON file."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_metrics_dir(directory: Path, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """``{stage: metrics}`` from every ``<stage>.json`` in ``directory``, minus ``exclude``."""
    return {
        p.stem: read_json(p)
        for p in sorted(Path(directory).glob("*.json"))
        if p.stem not in exclude
    }


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
            np.lib.format.write_array(
                arr_buf, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            zf.writestr(info, arr_buf.getvalue())
    return write_bytes(path, buf.getvalue())


Shape = tuple[int | None, ...] | None  # None: any length on that axis (or, alone: any shape)


def _shape_text(shape: tuple[int | None, ...]) -> str:
    return "(" + ", ".join("n" if d is None else str(d) for d in shape) + ")"


def read_npz(path: Path, require: dict[str, Shape] | None = None) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` file into a dict, checking it before any compute.

    ``require`` maps array names to expected shapes (``None`` = any length on that axis). A
    missing file raises FileNotFoundError; a file that is not a readable ``.npz`` (truncated,
    corrupt, foreign), a missing array or a wrong shape raises :class:`InputError` naming the
    file and the problem.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such input file (run the stage that makes it)")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError) as err:
        raise InputError(
            f"{path}: not a readable .npz (truncated, corrupt or another format:"
            f" {type(err).__name__}: {str(err)[:120]})"
        ) from None
    for name, shape in (require or {}).items():
        if name not in arrays:
            raise InputError(f"{path}: missing array {name!r} (has: {', '.join(arrays)})")
        got = arrays[name].shape
        if shape is None:
            continue
        if len(got) != len(shape) or any(
            w is not None and w != g for w, g in zip(shape, got, strict=True)
        ):
            raise InputError(
                f"{path}: array {name!r} has shape {got}, expected {_shape_text(shape)}"
            )
    return arrays


def round_drawn_data(fig: Any, digits: int = SIGNIFICANT_DIGITS) -> None:
    """Round the data every artist of ``fig`` draws (lines, scatter offsets and colours, line
    and polygon collections, meshes, images, bars and polygons) to ``digits`` significant
    digits, so the PNG does not depend on the 15th digit of a machine's float kernels (see
    :data:`SIGNIFICANT_DIGITS`). Shared read-only paths (marker shapes) are left alone."""
    from matplotlib.collections import Collection, PathCollection
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon, Rectangle

    for artist in fig.findobj():
        if isinstance(artist, Line2D):
            x, y = artist.get_data(orig=True)
            artist.set_data(_rounded(x, digits), _rounded(y, digits))
        elif isinstance(artist, Collection):
            offsets = artist.get_offsets()
            if np.size(offsets):
                artist.set_offsets(_rounded(offsets, digits))
            if not isinstance(artist, PathCollection):
                for path in artist.get_paths() or ():
                    if not path.readonly:
                        path.vertices = _rounded(path.vertices, digits)
            colours = artist.get_array()
            if colours is not None and np.asarray(colours).dtype.kind == "f":
                artist.set_array(_rounded(colours, digits))
        elif isinstance(artist, AxesImage):
            data = artist.get_array()
            if data is not None and np.asarray(data).dtype.kind == "f":
                artist.set_data(_rounded(data, digits))
        elif isinstance(artist, Rectangle):
            artist.set_xy(_rounded(artist.get_xy(), digits))
            artist.set_width(_rounded(artist.get_width(), digits))
            artist.set_height(_rounded(artist.get_height(), digits))
        elif isinstance(artist, Polygon):
            artist.set_xy(_rounded(artist.get_xy(), digits))


def _rounded(values: Any, digits: int) -> Any:
    """Float data (a number, an array, a masked array keeping its mask) rounded; else as is."""
    if isinstance(values, float | np.floating):
        return significant(float(values), digits)
    arr = np.asanyarray(values)
    if arr.dtype.kind != "f":
        return values
    rounded = significant(np.array(np.ma.getdata(arr), dtype=arr.dtype), digits)
    return np.ma.array(rounded, mask=arr.mask) if np.ma.isMaskedArray(arr) else rounded


def write_figure(path: Path, fig: Any) -> Path:
    """Atomically save a matplotlib figure as a PNG without timestamp or version metadata,
    its drawn data rounded first (:func:`round_drawn_data`)."""
    import matplotlib.pyplot as plt

    round_drawn_data(fig)
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return Path(path)


def write_dataset(path: Path, files: dict[str, dict[str, np.ndarray]], meta: Any) -> Path:
    """A data directory, built atomically (see :func:`replace_dir`): ``<name>.npz`` for each
    entry of ``files`` and ``meta.json``."""

    def build(tmp: Path) -> None:
        for name, arrays in files.items():
            write_npz(tmp / f"{name}.npz", **arrays)
        write_json(tmp / "meta.json", meta)

    return replace_dir(path, build)


def write_dir_npz(path: Path, files: dict[str, dict[str, np.ndarray]]) -> Path:
    """A directory of ``<name>.npz`` files (model states, masks), built atomically."""
    return replace_dir(
        path, lambda tmp: [write_npz(tmp / f"{k}.npz", **v) for k, v in files.items()]
    )


def replace_dir(path: Path, build: Any) -> Path:
    """Build a directory out atomically: ``build(tmp_dir)`` fills it, then it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        build(tmp)
        _respect_umask(tmp, directory=True)
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
