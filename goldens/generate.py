"""Generate the golden files from the case tables with the reference in float64, or check them.

    python goldens/generate.py          # (re)write goldens/<family>/*.npz and manifest.json; a golden that a
                                        # fresh computation matches within the check tolerance is kept as it is
    python goldens/generate.py --check  # regenerate in memory; fail on any difference, missing,
                                        # stale or tampered file (sha256 against the manifest)

Goldens are the reference's float64 results on frozen inputs; the reference itself is
cross-checked against PyTorch in the oracle env (conformance/oracle).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))

from cases import families  # noqa: E402
from harness import goldens  # noqa: E402
from harness.gradcheck import Evaluator, as_list  # noqa: E402

FAMILIES = families()
# --check tolerates last-bit differences of another machine's BLAS/libm, nothing more.
CHECK_RTOL, CHECK_ATOL = 1e-12, 1e-14
GY_SEED_OFFSET = 1000


def compute(case):
    """All arrays of one case: inputs, reference outputs, upstream grads and input grads."""
    import nnspec.reference as nn
    rng = np.random.default_rng(case.seed)
    inputs = [np.asarray(a) for a in case.make(rng)]
    inputs = [a.astype(np.float64) if a.dtype.kind == "f" else a.astype(np.int64) if a.dtype.kind in "iu" else a
              for a in inputs]
    ev = Evaluator(nn, case.call)
    outs = [o.numpy() for o in as_list(case.call(nn, *ev.tensors(inputs)))]
    arrays = {f"in_{i}": a for i, a in enumerate(inputs)}
    arrays.update({f"out_{j}": o for j, o in enumerate(outs)})
    if all(o.dtype.kind == "f" for o in outs) and any(a.dtype.kind == "f" for a in inputs):
        grng = np.random.default_rng(case.seed + GY_SEED_OFFSET)
        gys = [grng.standard_normal(o.shape) for o in outs]
        arrays.update({f"gy_{j}": g for j, g in enumerate(gys)})
        arrays.update({f"grad_{i}": g for i, g in ev.grads(inputs, gys).items()})
    return arrays


def entry(case, arrays, path):
    return {"op": case.op, "kind": case.kind, "seed": case.seed, "attrs": case.attrs,
            "source": "nnspec.reference, float64", "sha256": goldens.sha256(path),
            "arrays": {k: [list(v.shape), v.dtype.name] for k, v in sorted(arrays.items())}}


def generate():
    for family, cases in FAMILIES.items():
        manifest, stored = {}, goldens.manifest(family)
        for case in cases:
            arrays = compute(case)
            path = goldens.case_path(family, case.name)
            if not _differences(family, case, arrays, stored):  # kept: another BLAS's last bits are no change
                manifest[case.name] = entry(case, goldens.load(family, case.name), path)
                continue
            goldens.save(path, arrays)
            manifest[case.name] = entry(case, arrays, path)
        for stale in set(p.stem for p in (goldens.ROOT / family).glob("*.npz")) - set(manifest):
            (goldens.ROOT / family / f"{stale}.npz").unlink()
        goldens.write_json(goldens.ROOT / family / "manifest.json", manifest)
        print(f"{family}: {len(manifest)} golden cases written")


def _differences(family, case, fresh, manifest):
    """What differs between the stored golden of ``case`` and ``fresh`` arrays beyond the check tolerance, or
    between the file and its sha256 in its family's ``manifest``: empty where the golden stands."""
    path = goldens.case_path(family, case.name)
    if case.name not in manifest or not path.exists():
        return [f"{family}/{case.name}: golden missing"]
    if goldens.sha256(path) != manifest[case.name]["sha256"]:
        return [f"{family}/{case.name}: sha256 differs from the manifest"]
    stored = goldens.load(family, case.name)
    if set(stored) != set(fresh):
        return [f"{family}/{case.name}: arrays {sorted(stored)} != {sorted(fresh)}"]
    return [f"{family}/{case.name}: {k} differs from a fresh computation" for k, b in fresh.items()
            if stored[k].shape != b.shape or stored[k].dtype != b.dtype
            or not np.allclose(stored[k], b, CHECK_RTOL, CHECK_ATOL, equal_nan=True)]


def check():
    problems = []
    for family, cases in FAMILIES.items():
        manifest = goldens.manifest(family)
        names = {c.name for c in cases}
        problems += [f"{family}/{n}: in the manifest but not in the case table" for n in set(manifest) - names]
        on_disk = {p.stem for p in (goldens.ROOT / family).glob("*.npz")}
        problems += [f"{family}/{n}.npz: file without a case" for n in on_disk - names]
        for case in cases:
            problems += _differences(family, case, compute(case), manifest)
        print(f"{family}: {len(cases)} golden cases checked")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args()
    if args.check:
        return check()
    generate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
