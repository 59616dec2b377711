"""The vectorised engine against a literal, day-by-day reading of compliance-rules.md.

`reference()` below is written straight from the spec's sentences with plain Python loops (slow,
obvious); random small cases (seeded) must give exactly the same table as `evaluate()`.
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pandas as pd
import pytest

from compliance import Calendar, Term, evaluate, load_rules, rules_from_dict
from compliance.rules import ACTIVITY_TYPES, VENUES

D = timedelta(days=1)


def reference(terms, assign, ledger, exempt, rules, as_of):
    terms = sorted(terms, key=lambda t: t.start)
    hol = {h[0] + i * D for t in terms for h in t.holidays for i in range((h[1] - h[0]).days + 1)}

    def term_end(t):
        return t.start + timedelta(days=7 * t.weeks - 1)

    def in_term(d):
        return any(t.start <= d <= term_end(t) for t in terms)

    def covers(s, e, d):
        return (s is None or s <= d) and (e is None or d <= e)

    def on_duty(c, d):
        return any(a[0] == c and covers(a[2], a[3], d) for a in assign) and \
            not any(x[0] == c and covers(x[1], x[2], d) for x in exempt)

    weeks = []   # (label, monday, term index, workdays)
    for ti, t in enumerate(terms):
        for n in range(1, t.weeks + 1):
            mon = t.start + 7 * (n - 1) * D
            wd = [mon + i * D for i in range(5) if mon + i * D not in hol]
            if wd:
                weeks.append((f"{t.name}-W{n:02d}", mon, ti, wd))
    months = sorted({(w[1].year, w[1].month) for w in weeks})
    years = []   # (label, [term idx])
    i = 0
    while i < len(terms):
        if "秋" in terms[i].name:
            y, mem = int(terms[i].name[:4]), [i]
            if i + 1 < len(terms) and "春" in terms[i + 1].name:
                mem.append(i + 1)
                i += 1
        else:
            y, mem = int(terms[i].name[:4]) - 1, [i]
        years.append((f"{y}-{y + 1}", mem))
        i += 1

    def periods(kind):
        """(label, start, end, contains(d), in_scope(c))"""
        out = []
        if kind == "week":
            for lab, mon, _, wd in weeks:
                out.append((lab, mon, mon + 6 * D, lambda d, m=mon: m <= d <= m + 6 * D,
                            lambda c, wd=wd: all(on_duty(c, d) for d in wd)))
        elif kind == "month":
            for (y, m) in months:
                first = date(y, m, 1)
                days = [first + i * D for i in range(31) if (first + i * D).month == m and in_term(first + i * D)]
                ws = [w for w in weeks if (w[1].year, w[1].month) == (y, m)]
                out.append((f"{y}-{m:02d}", days[0], days[-1], lambda d, y=y, m=m: (d.year, d.month) == (y, m)
                            and in_term(d), lambda c, ws=ws: sum(all(on_duty(c, d) for d in w[3]) for w in ws) >= 2))
        elif kind == "term":
            for ti, t in enumerate(terms):
                ws = [w for w in weeks if w[2] == ti]
                need = max(1, math.ceil(len(ws) / 2))
                out.append((t.name, t.start, term_end(t), lambda d, t=t: t.start <= d <= term_end(t),
                            lambda c, ws=ws, need=need: sum(all(on_duty(c, d) for d in w[3]) for w in ws) >= need))
        else:
            tp = periods("term")
            for lab, mem in years:
                s, e = terms[mem[0]].start, term_end(terms[mem[-1]])
                out.append((lab, s, e, lambda d, s=s, e=e: s <= d <= e,
                            lambda c, mem=mem: any(tp[m][4](c) for m in mem)))
        return out

    last = {}
    for a in ledger:
        last[a["activity_id"]] = a
    acts = [a for a in last.values() if a["date"] <= as_of]
    cadres = list(dict.fromkeys(a[0] for a in assign))

    def own(c, a):
        if a["class_id"] == "":
            return any(x[0] == c and covers(x[2], x[3], a["date"]) for x in assign)
        return any(x[0] == c and x[1] == a["class_id"] and covers(x[2], x[3], a["date"]) for x in assign)

    rows = []
    for c in cadres:
        for r in rules:
            for lab, s, e, contains, scope in periods(r.per):
                if s > as_of:
                    continue
                if r.count == "classes":
                    done = len({x[1] for x in assign if x[0] == c and (x[2] is None or x[2] <= min(e, as_of))
                                and (x[3] is None or x[3] >= s)})
                else:
                    q = [a for a in acts if a["cadre_id"] == c and contains(a["date"])
                         and (not r.types or a["type"] in r.types) and (not r.venues or a["venue"] in r.venues)
                         and a["venue"] not in r.exclude_venues and (not r.own_class or own(c, a))]
                    done = len({a["venue"] for a in q if a["venue"]}) if r.count == "distinct_venues" else len(q)
                st = ("exempt" if not scope(c) else "met" if done >= r.at_least
                      else "pending" if e >= as_of else "missed")
                rows.append((c, r.id, lab, r.at_least, done, st))
    return rows


def case(seed):
    rnd = random.Random(seed)
    hol_a = rnd.choice([((date(2025, 10, 1), date(2025, 10, 8)),), ((date(2025, 10, 1), date(2025, 10, 10)),),
                        ((date(2025, 9, 15), date(2025, 9, 15)), (date(2025, 10, 2), date(2025, 10, 3)))])
    terms = [Term("2025秋", date(2025, 9, 8), rnd.randint(5, 10), hol_a),
             Term("2026春", date(2026, 3, 2), rnd.randint(2, 6), ((date(2026, 3, 16), date(2026, 3, 20)),))]
    day0 = date(2025, 8, 25)

    def rday(span=250):
        return day0 + rnd.randint(0, span) * D

    cad = [f"c{i}" for i in range(rnd.randint(1, 4))]
    cls = ["k1", "k2", "k3", "k4"]
    assign = []
    for c in cad:
        for _ in range(rnd.randint(1, 2)):
            s = rday() if rnd.random() < 0.5 else None
            e = (s or day0) + rnd.randint(0, 200) * D if rnd.random() < 0.5 else None
            assign.append((c, rnd.choice(cls), s, e))
    exempt = []
    for _ in range(rnd.randint(0, 3)):
        s = rday()
        exempt.append((rnd.choice(cad), s, s + rnd.randint(0, 20) * D))
    ledger = []
    for i in range(rnd.randint(0, 60)):
        t = rnd.choice(ACTIVITY_TYPES)
        ledger.append({"activity_id": f"a{rnd.randint(0, 45)}" if rnd.random() < 0.3 else f"u{i}",
                       "cadre_id": rnd.choice(cad + ["zz"]), "date": rday(), "type": t,
                       "venue": "" if t == "report" else rnd.choice(VENUES),
                       "class_id": rnd.choice(["", "", "k1", "k2", "k3", "k4"])})
    rules = load_rules() if rnd.random() < 0.5 else rules_from_dict({"rules": {
        "face_to_face": {"at_least": rnd.randint(0, 2)},
        "lecture_visit": {"per": rnd.choice(["week", "month", "term", "year"])},
        "nine_venues": {"at_least": rnd.randint(1, 4), "per": rnd.choice(["month", "term", "year"]),
                        "exclude_online": rnd.random() < 0.5},
        "own_any": {"types": [], "own_class": True, "at_least": 2, "per": rnd.choice(["week", "month", "term"])},
        "classes_m": {"count": "classes", "at_least": 1, "per": rnd.choice(["week", "month", "year"])},
    }})
    as_of = rday(260)
    return terms, assign, ledger, exempt, rules, as_of


def frames(assign, ledger, exempt):
    a = pd.DataFrame({"cadre_id": [x[0] for x in assign], "name": "", "class_id": [x[1] for x in assign],
                      "start": pd.to_datetime([x[2] for x in assign]), "end": pd.to_datetime([x[3] for x in assign])})
    cols = ["activity_id", "cadre_id", "date", "type", "venue", "class_id"]
    L = pd.DataFrame(ledger, columns=cols)
    L["date"] = pd.to_datetime(L["date"])
    X = pd.DataFrame({"cadre_id": [x[0] for x in exempt], "start": pd.to_datetime([x[1] for x in exempt]),
                      "end": pd.to_datetime([x[2] for x in exempt]), "reason": ""})
    return a, L, X


@pytest.mark.parametrize("seed", range(120))
def test_engine_equals_literal_reading(seed):
    terms, assign, ledger, exempt, rules, as_of = case(seed)
    a, L, X = frames(assign, ledger, exempt)
    st = evaluate(Calendar(terms), a, L, X, rules, as_of=as_of)
    got = [tuple(r) for r in st[["cadre_id", "rule", "period", "required", "done", "status"]].itertuples(index=False)]
    want = reference(terms, assign, ledger, exempt, rules, as_of)
    assert sorted(got) == sorted(want)
    assert len(got) == len(want)
