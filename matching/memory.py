"""Large arrays in memory maps of their own, on ordinary pages.

numpy asks Linux for transparent huge pages on every large array (madvise). On a machine whose free
memory is fragmented, the first touch of such an array then waits for the kernel to compact memory:
measured here, `Problem` at L (2000 × 12000 weights, 192 MB) took 0.10–0.12 s on most solves and
0.59–0.61 s, 0.45–0.50 s of it kernel time, whenever the process grew (the first solves of a process;
the bench's median of 3 was 1.6 s against 1.0 s for the later solves). On ordinary 4 KB pages the
same solve costs a steady 1.05–1.1 s. The engine's n × m arrays (weights, wish ranks, the LP's pool
mask) therefore live in an anonymous memory map, which Linux backs with ordinary pages (no madvise).
Smaller arrays are left to numpy: huge pages make them faster to read (M, 400 × 3000, weights of
9.6 MB: 0.140 s per solve with the threshold at 8 MB, 0.106 s at 16 MB), and they are too small to stall.
"""
from __future__ import annotations

import mmap
from concurrent.futures import ThreadPoolExecutor

import numpy as np

LARGE = 16 << 20         # bytes: arrays from this size up get a memory map of their own


def _mapped(shape, dtype) -> np.ndarray | None:
    """A fresh anonymous map (zeros) for a large array, None for a small one."""
    count = int(np.prod(shape))
    size = count * np.dtype(dtype).itemsize
    if size < LARGE:
        return None
    return np.frombuffer(mmap.mmap(-1, size), dtype=dtype, count=count).reshape(shape)


def zeros(shape, dtype=np.float64) -> np.ndarray:
    """np.zeros(shape, dtype), on ordinary pages when large (a fresh anonymous map reads as zeros)."""
    a = _mapped(shape, dtype)
    return np.zeros(shape, dtype=dtype) if a is None else a


def empty(shape, dtype=np.float64) -> np.ndarray:
    """np.empty(shape, dtype), on ordinary pages when large."""
    a = _mapped(shape, dtype)
    return np.empty(shape, dtype=dtype) if a is None else a


def copy(a: np.ndarray) -> np.ndarray:
    out = empty(a.shape, a.dtype)
    np.copyto(out, a)
    return out


def take_columns(F: np.ndarray, idx: np.ndarray, workers: int = 1) -> np.ndarray:
    """F[:, idx] into a new array (`empty`), filled in row stripes by `workers` threads when large: the
    first touch of ordinary pages is kernel work that two cores share (192 MB at L: 0.105–0.116 s in one
    thread, 0.057–0.079 s in two)."""
    n = F.shape[0]
    out = empty((n, len(idx)), F.dtype)
    k = max(1, min(int(workers), n)) if out.nbytes >= LARGE else 1

    def fill(part):
        a, b = part
        np.take(F[a:b], idx, axis=1, out=out[a:b], mode="clip")   # clip: no buffering (indices are valid)
    parts = [(t * n // k, (t + 1) * n // k) for t in range(k)]
    if k == 1:
        fill(parts[0])
    else:
        with ThreadPoolExecutor(k) as ex:
            list(ex.map(fill, parts))
    return out
