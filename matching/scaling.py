"""Decimal score text → integers at one common scale, exactly and vectorised.

A text "−12.3450" is the integer mantissa N = −123450 over 10^4; reduced, N/10^d = p/q with q = 2^a·5^b.
The common scale D is the least common multiple of every q (and of the other weights' denominators),
so every score becomes the integer p·(D/q) — no rounding anywhere. The texts are read as a character
matrix (numpy): sign, digits and one optional point, at most 18 digits (so N fits int64). Other texts
(exponents, more digits) go through Python's Decimal/Fraction one by one; results are identical, only
slower. OverflowError when an integer would not fit int64; the caller refuses (InputError) anything whose
sums could leave the exactly representable range (model._check_range).
"""
from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np

_MAX_DIGITS = 18          # mantissas below 10^18 fit int64 exactly


def _read_simple(texts: np.ndarray):
    """(ok, mantissa, decimals) for every text of the form [+-]digits[.digits] with ≤ 18 digits."""
    k = len(texts)
    U = np.char.strip(texts.astype("U")) if k else texts.astype("U")
    width = U.dtype.itemsize // 4
    if not k or not width:
        return np.zeros(k, bool), np.zeros(k, np.int64), np.zeros(k, np.int64)
    C = U.view(np.uint32).reshape(k, width)
    C = np.where(C < 128, C, 127).astype(np.int8)           # non-ASCII never forms a simple number
    digit = (C >= 48) & (C <= 57)
    dot = C == 46
    sign = np.zeros_like(digit)
    sign[:, 0] = (C[:, 0] == 45) | (C[:, 0] == 43)
    ndig = digit.sum(axis=1)
    ok = ((digit | dot | sign | (C == 0)).all(axis=1) & (dot.sum(axis=1) <= 1) & (ndig >= 1)
          & (ndig <= _MAX_DIGITS))
    after = np.cumsum(dot, axis=1) > 0                      # positions after the point
    decimals = (digit & after).sum(axis=1)
    mant = np.zeros(k, dtype=np.int64)
    value, is_digit = (C.T - 48).astype(np.int64), np.ascontiguousarray(digit.T)
    for c in range(width):                                  # Horner, one character column at a time
        mant = np.where(is_digit[c], mant * 10 + value[c], mant)
    mant = np.where(ok, mant, 0)                            # (not-ok rows may have wrapped: unused)
    mant = np.where(C[:, 0] == 45, -mant, mant)
    return ok, mant, decimals


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
    """Returns (int64 array, scale D, bad) where bad lists (row, text) that are not numbers."""
    arr = np.array(["" if t is None else str(t) for t in texts] if not isinstance(texts, np.ndarray) else texts,
                   dtype=object)
    simple, mant, dec = _read_simple(arr)
    other: dict[int, Fraction] = {}
    bad = []
    for x in np.flatnonzero(~simple).tolist():
        try:
            d = Decimal(str(arr[x]).strip())
            if not d.is_finite():
                raise InvalidOperation
            other[x] = Fraction(d)
        except (InvalidOperation, ValueError):
            bad.append((x, arr[x]))
    if bad:
        return None, 1, bad
    # reduced denominators q = 2^a 5^b of the simple rows
    a = np.where(simple, dec - _valuation(mant, 2, dec), 0)
    b = np.where(simple, dec - _valuation(mant, 5, dec), 0)
    D = 2 ** int(a.max(initial=0)) * 5 ** int(b.max(initial=0))
    for f in list(other.values()) + list(extra):
        D = D * f.denominator // math.gcd(D, f.denominator)
    out = np.zeros(len(arr), dtype=np.int64)
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
