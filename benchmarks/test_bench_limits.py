"""The machine's limits, measured in the same run: the fp32 matmul rate of the array library (BLAS on the CPU,
cuBLAS on the GPU) on 4096^3 (2048^3 on the CPU) and the device copy bandwidth over 256 MiB. The report puts
every GFLOP/s row beside the first and every GB/s row beside the second ("of limit")."""

import numpy as np
from benchtools import FLOAT32, record, run


def _host(a):
    return np.asarray(a.get() if hasattr(a, "get") else a)


def test_limit_matmul_fp32(benchmark, nn, rounds):
    benchmark.group = "limit"
    xp = nn.implementation.xp
    n = 4096 if nn.implementation.name == "accel" else 2048
    rng = np.random.default_rng(0)
    a_host, b_host = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    a, b = xp.asarray(a_host), xp.asarray(b_host)

    def torch_fn(torch, device):
        ta, tb = torch.from_numpy(a_host).to(device), torch.from_numpy(b_host).to(device)
        return lambda: ta @ tb

    out = run(benchmark, nn, rounds, lambda: xp.matmul(a, b), torch_fn)
    want = a_host[:2].astype(np.float64) @ b_host.astype(np.float64)
    assert np.abs(_host(out[:2]) - want).max() <= 1e-3 * np.abs(want).max()
    record(benchmark, nn, 2 * n ** 3, "GFLOP/s")


def test_limit_copy_bandwidth(benchmark, nn, rounds):
    benchmark.group = "limit"
    xp = nn.implementation.xp
    n = 64 * 1024 * 1024  # float32 values: 256 MiB
    src = xp.asarray(np.random.default_rng(1).standard_normal(n, dtype=np.float32))
    dst = xp.empty_like(src)

    def torch_fn(torch, device):
        s = torch.randn(n, dtype=torch.float32, device=device)
        d = torch.empty_like(s)
        return lambda: d.copy_(s)

    run(benchmark, nn, rounds, lambda: xp.copyto(dst, src), torch_fn)
    assert bool((dst == src).all())
    record(benchmark, nn, 2 * FLOAT32 * n, "GB/s")
