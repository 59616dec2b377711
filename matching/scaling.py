"""Decimal score text → integers at one common scale, exactly and vectorised.

A text "−12.3450" is the integer mantissa N = −123450 over 10^4; reduced, N/10^d = p/q with q = 2^a·5^b.
The common scale D is the least common multiple of every q (and of the other weights' denominators),
so every score becomes the integer p·(D/q) — no rounding anywhere. Texts the fast path cannot read
exactly (exponents, more than 18 digits) go through Python's Decimal/Fraction one by one; results are
identical, only slower. The caller refuses (InputError) anything whose integer sums could leave the
exactly representable range (see model._check_range).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np

_SIMPLE = re.compile(r"[+-]?\d{1,18}(\.\d{0,17})?$|[+-]?\.\d{1,17}$")
_MAX_DIGITS = 18          # mantissas below 10^18 fit int64 exactly


def _valuation(x: np.ndarray, p: int, cap: np.ndarray) -> np.ndarray:
    """min(v_p(x), cap) for int64 x (x = 0 counts as divisible any number of times)."""
    v = np.zeros(len(x), dtype=np.int64)
    x = x.copy()
    live = v < cap
    while live.any():
        div = live & (x % p == 0)
        if not div.any():
            break
        v[div] += 1
        x[div] //= p
        live = div & (v < cap)
    return v


def scale_scores(texts, extra: list[Fraction]):
    """Returns (int64 array, scale D, bad) where bad lists (row, text) that are not numbers.
    Raises OverflowError when an integer would not fit int64 (the caller reports it as an InputError)."""
    texts = ["" if t is None else str(t).strip() for t in texts]
    simple = np.fromiter((_SIMPLE.match(t) is not None for t in texts), dtype=bool, count=len(texts))
    k = len(texts)
    mant = np.zeros(k, dtype=np.int64)
    dec = np.zeros(k, dtype=np.int64)
    idx = np.flatnonzero(simple)
    if len(idx):
        ip, _, fp = zip(*(texts[x].partition(".") for x in idx.tolist()))
        dec[idx] = [len(f) for f in fp]
        mant[idx] = [int((a if a not in ("", "+", "-") else a + "0") + f) for a, f in zip(ip, fp)]
        # a total digit count over 18 is not simple after all
        wide = np.array([len(a.lstrip("+-")) + len(f) > _MAX_DIGITS for a, f in zip(ip, fp)], dtype=bool)
        simple[idx[wide]] = False
    other: dict[int, Fraction] = {}
    bad = []
    for x in np.flatnonzero(~simple).tolist():
        try:
            d = Decimal(texts[x])
            if not d.is_finite():
                raise InvalidOperation
            other[x] = Fraction(d)
        except (InvalidOperation, ValueError):
            bad.append((x, texts[x]))
    if bad:
        return None, 1, bad
    # reduced denominators q = 2^a 5^b of the simple rows
    a = dec - _valuation(mant, 2, dec)
    b = dec - _valuation(mant, 5, dec)
    D = 2 ** int(a[simple].max(initial=0)) * 5 ** int(b[simple].max(initial=0))
    for f in list(other.values()) + list(extra):
        D = D * f.denominator // math.gcd(D, f.denominator)
    out = np.zeros(k, dtype=np.int64)
    if simple.any():
        s = simple
        q = (2 ** a[s]) * (5 ** b[s])
        pm = mant[s] // ((2 ** (dec[s] - a[s])) * (5 ** (dec[s] - b[s])))    # p = N / gcd(N, 10^d)
        if D >= 2 ** 62 or (np.abs(pm).astype(float) * (D / q.astype(float))).max() >= 2.0 ** 61:
            raise OverflowError(D)
        out[s] = pm * (D // q)
    for x, f in other.items():
        v = f.numerator * (D // f.denominator)
        if abs(v) >= 2 ** 62:
            raise OverflowError(v)
        out[x] = v
    return out, D, []
