"""The MNIST loader: shapes, known facts, checksum registry, corrupted files, the download path."""

import contextlib
import functools
import gzip
import hashlib
import http.server
import shutil
import threading

import numpy as np
import pytest

import mlhw
from mlhw import datasets


def test_first_ten_training_labels():
    images, labels = mlhw.load_mnist("train", n=10)
    assert images.shape == (10, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.uint8
    assert labels.tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_label_counts():
    _, train = mlhw.load_mnist("train")
    _, test = mlhw.load_mnist("test")
    assert np.bincount(train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851,
                                           5949]
    assert np.bincount(test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    _, first = mlhw.load_mnist("train", n=6000)
    assert np.bincount(first).tolist() == [592, 671, 581, 608, 623, 514, 608, 651, 551, 601]


def test_images_shape_and_range():
    images, _ = mlhw.load_mnist("test")
    assert images.shape == (10000, 28, 28)
    assert images.max() == 255 and images.min() == 0


def test_returned_arrays_are_independent_copies():
    a, _ = mlhw.load_mnist("train", n=5)
    a[:] = 0
    b, _ = mlhw.load_mnist("train", n=5)
    assert b.any()


def test_shipped_files_match_registry():
    for name, sums in datasets.MNIST_FILES.items():
        datasets.verify_file(datasets.mnist_dir() / name, sums["sha256"])


@pytest.mark.parametrize("split, n", [("validation", None), ("train", 0), ("train", 60001),
                                      ("test", 10001)])
def test_bad_arguments(split, n):
    with pytest.raises(ValueError, match="split|n:"):
        mlhw.load_mnist(split, n=n)


def _copy_all(tmp_path):
    for name in datasets.MNIST_FILES:
        shutil.copy(datasets.mnist_dir() / name, tmp_path / name)
    return tmp_path


def test_truncated_file_raises(tmp_path):
    folder = _copy_all(tmp_path)
    path = folder / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz") as info:
        mlhw.load_mnist("train", folder=folder)
    want = datasets.MNIST_FILES["train-labels-idx1-ubyte.gz"]["sha256"]
    assert f"expected {want}, got " in str(info.value)


def test_generated_homework_data_are_reachable_from_datasets():
    assert datasets.gamma_mixture_data is mlhw.gamma_mixture.gamma_mixture_data
    assert datasets.gmm_dataset is mlhw.synthetic.gmm_dataset


def test_altered_file_names_both_checksums(tmp_path):
    folder = _copy_all(tmp_path)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10
    path.write_bytes(gzip.compress(bytes(raw)))
    want = datasets.MNIST_FILES["t10k-labels-idx1-ubyte.gz"]["idx_md5"]
    with pytest.raises(ValueError, match=f"expected {want}, got [0-9a-f]{{32}}"):
        mlhw.load_mnist("test", folder=folder)


def test_download_matching_the_published_md5_is_kept_without_decompressing(tmp_path, monkeypatch):
    # the shipped files are re-compressed, so their .gz md5 is not the published one; pretend it
    # is, and the content check (which decompresses) must not be needed
    (tmp_path / "mirror").mkdir()
    mirror = _copy_all(tmp_path / "mirror")
    files = {name: dict(sums, gz_md5_published=hashlib.md5((mirror / name).read_bytes()).hexdigest())
             for name, sums in datasets.MNIST_FILES.items()}
    monkeypatch.setattr(datasets, "MNIST_FILES", files)

    def no_gzip(*args, **kwargs):
        raise AssertionError("the published md5 matched: nothing to decompress")

    monkeypatch.setattr(datasets.gzip, "open", no_gzip)
    dest = mlhw.download_mnist(tmp_path / "dest", base_url=mirror.as_uri())
    assert sorted(p.name for p in dest.iterdir()) == sorted(files)


def test_file_altered_after_a_load_is_checked_again(tmp_path):
    # the loader keeps what it read; a file changed on disk since must not be served from memory
    folder = _copy_all(tmp_path)
    _, labels = mlhw.load_mnist("test", folder=folder)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz: checksum mismatch"):
        mlhw.load_mnist("test", folder=folder)
    shutil.copy(datasets.mnist_dir() / path.name, path)   # restored: loads again, same labels
    np.testing.assert_array_equal(mlhw.load_mnist("test", folder=folder)[1], labels)


def test_recompressed_faithful_copy_loads(tmp_path):
    folder = _copy_all(tmp_path)
    for name in datasets.MNIST_FILES:
        p = folder / name
        p.write_bytes(gzip.compress(gzip.decompress(p.read_bytes()), compresslevel=1))
    _, labels = mlhw.load_mnist("test", folder=folder)
    assert len(labels) == 10000


def test_download_from_local_mirror(tmp_path):
    (tmp_path / "mirror").mkdir()
    mirror = _copy_all(tmp_path / "mirror")
    dest = tmp_path / "dest"
    mlhw.download_mnist(dest, base_url=mirror.as_uri())
    images, labels = mlhw.load_mnist("train", n=10, folder=dest)
    assert labels.tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_download_rejects_corrupt_file(tmp_path):
    (tmp_path / "mirror").mkdir()
    mirror = _copy_all(tmp_path / "mirror")
    bad = mirror / "t10k-labels-idx1-ubyte.gz"
    bad.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + b"\x00" * 20))
    dest = tmp_path / "dest"
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz: checksum mismatch"):
        mlhw.download_mnist(dest, base_url=mirror.as_uri())
    assert not (dest / "t10k-labels-idx1-ubyte.gz").exists()


def test_read_idx_rejects_non_idx(tmp_path):
    p = tmp_path / "x.idx"
    p.write_bytes(b"hello world")
    with pytest.raises(ValueError, match="IDX"):
        datasets.read_idx(p)


# ------------------------------------------------------- the download path over real HTTP


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request log on stderr
        pass


@contextlib.contextmanager
def _http_mirror(folder):
    """Serve ``folder`` on 127.0.0.1 (a free port) from a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def http_mirror(tmp_path, monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")  # never route the test via a proxy
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    (tmp_path / "served").mkdir()
    folder = _copy_all(tmp_path / "served")
    with _http_mirror(folder) as url:
        yield folder, url


def test_download_over_http_from_a_local_server(http_mirror, tmp_path):
    _, url = http_mirror
    dest = mlhw.download_mnist(tmp_path / "dest", base_url=url)
    assert sorted(p.name for p in dest.iterdir()) == sorted(datasets.MNIST_FILES)
    images, labels = mlhw.load_mnist("train", n=10, folder=dest)
    assert images.shape == (10, 28, 28)
    assert labels.tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    _, test_labels = mlhw.load_mnist("test", folder=dest)
    assert len(test_labels) == 10000


@pytest.mark.parametrize("damage", ["altered", "truncated", "missing"])
def test_download_over_http_rejects_a_bad_file_and_leaves_nothing_unverified(
        http_mirror, tmp_path, damage):
    folder, url = http_mirror
    bad = "t10k-labels-idx1-ubyte.gz"              # the last file fetched
    path = folder / bad
    if damage == "altered":                        # valid gzip, one label changed
        raw = bytearray(gzip.decompress(path.read_bytes()))
        raw[100] = (raw[100] + 1) % 10
        path.write_bytes(gzip.compress(bytes(raw)))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-300])
    else:
        path.unlink()
    dest = tmp_path / "dest"
    error = OSError if damage == "missing" else ValueError  # HTTP 404 is urllib's HTTPError
    with pytest.raises(error, match=bad):
        mlhw.download_mnist(dest, base_url=url, timeout=10)
    left = sorted(p.name for p in dest.iterdir())
    assert bad not in left
    # no temporary file either: whatever is left is a verified good copy
    assert set(left) <= set(datasets.MNIST_FILES) - {bad}
    for name in left:
        datasets.verify_file(dest / name, datasets.MNIST_FILES[name]["sha256"])
