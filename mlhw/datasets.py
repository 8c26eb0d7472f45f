"""Data shipped with :mod:`mlhw`: MNIST (IDX files) and the small data sets of the homeworks.

The MNIST files are shipped in ``mlhw/data/mnist/`` and verified on every load; their source,
licence and checksums are set out in this module's notes.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from ._validation import check_choice, check_int, check_positive
from .gamma_mixture import gamma_mixture_data  # the Gamma-mixture data of CS181 HW4 problem 1
from .graphs import ntu_hw3_graph
from .synthetic import gmm_dataset  # the substitute for Waterloo HW4's gmm_dataset.csv

__all__ = ["MNIST_FILES", "download_mnist", "gamma_mixture_data", "gmm_dataset", "load_mnist",
           "mnist_dir", "ntu_hw3_graph", "read_idx", "verify_file"]


_DATA = Path(__file__).resolve().parent / "data"

#: Checksum registry: sha256 of the shipped .gz bytes in ``mlhw/data/mnist``, md5 of the
#: decompressed IDX bytes (checked on every load, so any faithful copy loads), and the md5 of the
#: .gz files as published on the MNIST page (checked by :func:`download_mnist`).
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": {
        "sha256": "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
        "idx_md5": "6bbc9ace898e44ae57da46a324031adb",
        "gz_md5_published": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    },
    "train-labels-idx1-ubyte.gz": {
        "sha256": "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203",
        "idx_md5": "a25bea736e30d166cdddb491f175f624",
        "gz_md5_published": "d53e105ee54ea40749a09fcbcd1e9432",
    },
    "t10k-images-idx3-ubyte.gz": {
        "sha256": "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be",
        "idx_md5": "2646ac647ad5339dbf082846283269ea",
        "gz_md5_published": "9fb629c4189551a2d022fa330f9573f3",
    },
    "t10k-labels-idx1-ubyte.gz": {
        "sha256": "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b",
        "idx_md5": "27ae3e4e09519cfbb04c329615203637",
        "gz_md5_published": "ec29112dd5afa0611ce80d1b7f02629c",
    },
}

_SPLITS = {"train": "train", "test": "t10k"}

#: Official mirror of the original files (used only by :func:`download_mnist`).
MNIST_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"

_cache: dict = {}


def mnist_dir() -> Path:
    """Folder holding the shipped MNIST files."""
    return _DATA / "mnist"


def _digest(path: Path, algo: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, algo).hexdigest()


def verify_file(path, expected: str, algo: str = "sha256") -> Path:
    """Check a file's digest; raise ``ValueError`` naming the file and both checksums."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: expected an existing data file, got no file at this path")
    if not isinstance(expected, str):
        raise TypeError(f"expected: expected a hex digest string, got {type(expected).__name__}")
    algo = check_choice(algo, "algo", sorted(hashlib.algorithms_guaranteed))
    got = _digest(path, algo)
    if got != expected:
        raise ValueError(f"{path.name}: checksum mismatch ({algo}): expected {expected}, got "
                         f"{got}; the file is truncated or altered")
    return path


def _read_bytes(path: Path) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            return fh.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path.name}: expected a readable (gzipped) IDX file, got a damaged "
                         f"file ({exc})") from None


def read_idx(path, raw: bytes | None = None) -> np.ndarray:
    """Read a (gzipped) IDX file of unsigned bytes into an array of its stated shape."""
    path = Path(path)
    if raw is None:
        raw = _read_bytes(path)
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"raw: expected bytes, got {type(raw).__name__}")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path.name}: expected an IDX file (two zero bytes, a type code and "
                         f"the number of dimensions), got {raw[:4]!r}")
    if raw[2] != 0x08:
        raise ValueError(f"{path.name}: expected unsigned-byte data (type 0x08), got 0x{raw[2]:02x}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    size = int(np.prod(shape))
    if len(raw) - header != size:
        raise ValueError(f"{path.name}: expected {size} bytes of data (the header announces "
                         f"shape {shape}), got {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _load_file(name: str, folder: Path | None) -> np.ndarray:
    folder = mnist_dir() if folder is None else Path(folder)
    path = folder / name
    if not path.is_file():
        raise ValueError(f"{path}: expected an MNIST data file, got no file at this path")
    st = path.stat()  # a file replaced or edited since it was read is read and verified again
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _cache:
        try:
            raw = _read_bytes(path)
        except ValueError as exc:  # a truncated .gz fails to decompress: show the checksums too
            want = MNIST_FILES[name]["sha256"]
            got = _digest(path, "sha256")
            raise ValueError(f"{exc}; checksum mismatch (sha256 of the .gz file): expected {want}, "
                             f"got {got}; the file is truncated or altered") from None
        got = hashlib.md5(raw).hexdigest()  # noqa: S324 - integrity check, not security
        want = MNIST_FILES[name]["idx_md5"]
        if got != want:
            raise ValueError(f"{name}: checksum mismatch (md5 of the decompressed bytes): "
                             f"expected {want}, got {got}; the file is truncated or altered")
        arr = read_idx(path, raw)
        arr.setflags(write=False)
        _cache[key] = arr
    return _cache[key]


def load_mnist(split: str = "train", n: int | None = None, *, folder=None):
    """Load MNIST images and labels from the shipped IDX files.

    Parameters
    ----------
    split : {"train", "test"}
        The 60000 training or the 10000 test records.
    n : int, optional
        Keep the first ``n`` records in file order (CS181 HW4 uses ``n=6000``).
    folder : path, optional
        Another folder holding the same four files (for example from :func:`download_mnist`).

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28)
    labels : ndarray of uint8, shape (n,)

    Raises
    ------
    ValueError
        For an unknown split, an ``n`` out of range, or a file whose checksum does not match the
        registry.

    Examples
    --------
    >>> images, labels = load_mnist("train", n=10)
    >>> images.shape, labels.tolist()
    ((10, 28, 28), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    """
    prefix = _SPLITS[check_choice(split, "split", list(_SPLITS))]
    if folder is not None and not Path(folder).is_dir():
        raise ValueError(f"folder: expected a directory holding the MNIST files, got "
                         f"{str(folder)!r}")
    images = _load_file(f"{prefix}-images-idx3-ubyte.gz", folder)
    labels = _load_file(f"{prefix}-labels-idx1-ubyte.gz", folder)
    if n is not None:
        n = check_int(n, "n", low=1, high=len(labels))
        images, labels = images[:n], labels[:n]
    return images.copy(), labels.copy()


def download_mnist(dest, *, base_url: str = MNIST_MIRROR, timeout: float = 60.0) -> Path:
    """Fetch fresh copies of the four MNIST files and verify each before keeping it.

    A file that fails its check, and any partial download, is deleted: ``dest`` only ever holds
    verified copies.

    Parameters
    ----------
    dest : path
        Folder to write the files into (created if missing).
    base_url : str
        URL prefix of the mirror (``http://``, ``https://`` or ``file://``).
    timeout : float
        Seconds to wait for each transfer (positive).

    Returns
    -------
    Path
        ``dest``, ready for ``load_mnist(folder=dest)``.

    Raises
    ------
    ValueError
        Naming the file, if a download is not valid gzip or its content does not match the
        registry.
    OSError
        Naming the file, if a transfer fails (HTTP error, refused connection, timeout).
    TypeError
        If ``dest`` is not a path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:   # the shipped copies as a file:// mirror
    ...     got = download_mnist(folder, base_url=mnist_dir().as_uri())
    ...     images, labels = load_mnist("test", n=2, folder=got)
    >>> images.shape, labels.tolist()
    ((2, 28, 28), [7, 2])
    """
    if not isinstance(dest, (str, Path)):
        raise TypeError(f"dest: expected a folder path, got {type(dest).__name__}")
    if not isinstance(base_url, str):
        raise TypeError(f"base_url: expected a URL string, got {type(base_url).__name__}")
    if not base_url.startswith(("http://", "https://", "file://")):
        raise ValueError(f"base_url: expected an http://, https:// or file:// URL, got "
                         f"{base_url!r}")
    timeout = float(check_positive(timeout, "timeout", ndim=0))
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name, sums in MNIST_FILES.items():
        url = base_url.rstrip("/") + "/" + name
        with tempfile.NamedTemporaryFile(dir=dest, delete=False) as tmp:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310
                    shutil.copyfileobj(resp, tmp)
            except BaseException as exc:  # a failed transfer leaves no partial file behind
                tmp.close()
                Path(tmp.name).unlink(missing_ok=True)
                if isinstance(exc, OSError):  # HTTP errors, refused connections, timeouts
                    raise OSError(f"{name}: download from {url} failed ({exc})") from exc
                raise
        tmp_path = Path(tmp.name)
        try:
            gz_md5 = _digest(tmp_path, "md5")
            if gz_md5 != sums["gz_md5_published"]:
                with gzip.open(tmp_path, "rb") as fh:
                    content_md5 = hashlib.md5(fh.read()).hexdigest()  # noqa: S324
                if content_md5 != sums["idx_md5"]:
                    raise ValueError(f"{name}: checksum mismatch (md5): expected "
                                     f"{sums['gz_md5_published']}, got {gz_md5}; the download "
                                     "is corrupt")
        except (OSError, EOFError) as exc:
            tmp_path.unlink(missing_ok=True)
            raise ValueError(f"{name}: downloaded file is not valid gzip ({exc})") from None
        except ValueError:
            tmp_path.unlink(missing_ok=True)
            raise
        tmp_path.replace(dest / name)
    return dest
