"""scaling.scale_scores on many random decimal texts: every integer is exactly the text times D."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from matching.scaling import scale_scores


def _texts(rng, k):
    out = []
    for _ in range(k):
        digits = int(rng.integers(1, 19))
        point = int(rng.integers(0, digits + 1))
        s = "".join(str(int(d)) for d in rng.integers(0, 10, size=digits))
        if point < digits:
            s = s[:point] + "." + s[point:]
        out.append(str(rng.choice(["", "-", "+", " ", ""])) + s)
    return out


def test_random_texts_scale_exactly():
    rng = np.random.default_rng(7)
    for k in (1, 5, 200):
        for _ in range(20):
            texts = _texts(rng, k)
            try:
                ints, D, bad = scale_scores(texts, [Fraction(1, 4)])
            except OverflowError:
                continue
            assert not bad
            assert D % 4 == 0
            assert [Fraction(int(x), D) for x in ints] == [Fraction(Decimal(t.strip())) for t in texts]


def test_long_and_odd_texts_take_the_exact_slow_road():
    texts = ["123456789012345678", "1234567890123456789", "1e2", "１.５", "0.000", "-0", "+7."]
    ints, D, bad = scale_scores(texts, [])
    assert not bad
    assert [Fraction(int(x), D) for x in ints] == [Fraction(Decimal(t)) for t in texts]
