"""Each pair's reason speaks the page's language (issues 15/17): the Rounds page's review table, the
explanation panel and the review-table xlsx show the English reason in English mode and the Chinese one
in Chinese mode. Names, class names, units, tags are data and stay as entered; the sentence frame
(「」；（ and fixed words like 专长/意向/规则) must not appear in English. A round saved before English
reasons were stored shows, in English, a reason made from its stored parts, never a Chinese sentence."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from services import round_lifecycle as lifecycle
from services import round_review
from services import round_solve as solving
from services import round_upload as upload
from store import rounds as store_rounds
from tests.fixtures_app import demo_user, run_page
from tests.test_app_rounds import solved_round
from ui.rounds.state import Keys

# the Chinese sentence frame of a reason (data never holds these in the demo)
ZH_FRAME = re.compile(r"[「」；（）]|专长|意向|规则|连任|匹配度|学科相同|本单位班级|外部评分")
EN_WORDS = re.compile(r"\b(expertise|unit|wish|rule|discipline|continues|own college|fit)\b")


def admin():
    return demo_user("admin")


@pytest.fixture
def solved(demo_db) -> int:
    return solved_round()


def _page(as_role, rid: int, lang: str, **state) -> AppTest:
    """One run of the page (AppTest's widget setters format options in the test process, in Chinese:
    in English mode, what a click would pick is put into the session state before the run)."""
    return run_page(as_role, "pages/rounds.py", "admin", lang, {Keys.PICK: rid, **state}, timeout=90)


def _review(at: AppTest):
    for d in at.dataframe:
        if {"class_name", "reason"} <= set(d.value.columns):
            return d.value
    raise AssertionError("no review table")


def _english(texts) -> None:
    texts = [t for t in texts]
    assert texts and all(t for t in texts), "every pair says why"
    bad = [t for t in texts if ZH_FRAME.search(t)]
    assert not bad, bad[:5]
    assert all(EN_WORDS.search(t) for t in texts), [t for t in texts if not EN_WORDS.search(t)][:5]


def _chinese(texts) -> None:
    texts = [t for t in texts]
    assert texts and all(t for t in texts)
    assert all(ZH_FRAME.search(t) for t in texts), [t for t in texts if not ZH_FRAME.search(t)][:5]
    assert not any(EN_WORDS.search(t) for t in texts)


def test_review_table_and_explanation_speak_english_in_english_mode(solved, as_role):
    cadre = lifecycle.get_round(admin(), solved).assignment["cadre_id"].iloc[0]
    at = _page(as_role, solved, "en", **{Keys.EXPLAIN_CADRE: cadre})
    assert not at.exception, at.exception
    table = _review(at)
    _english(list(table["reason"]))
    assert set(table["level"]) <= {"School leader", "Middle-level head", "Middle-level deputy"}
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]          # md_escape undone
    why = [c for c in captions if c.startswith("Why: ")]
    assert why
    _english([w.removeprefix("Why: ") for w in why])
    assert not [c for c in captions if c.startswith("理由")]


def test_review_table_speaks_chinese_in_chinese_mode(solved, as_role):
    at = _page(as_role, solved, "zh")
    assert not at.exception, at.exception
    table = _review(at)
    _chinese(list(table["reason"]))
    assert set(table["level"]) <= {"校领导", "中层正职", "中层副职"}


def test_stored_english_reason_is_the_engine_s_own(solved):
    """reason_en is stored beside reason, pair by pair, as the engine says it (checked reasons included)."""
    info = lifecycle.get_round(admin(), solved)
    res = solving.cached_result(solved)
    p = res.problem
    mine = {(p.cadre_ids[i], p.class_ids[j]): (res.reason(i, j, "zh"), res.reason(i, j, "en")) for i, j in res.pairs}
    got = {(a, b): (zh, en) for a, b, zh, en in zip(info.assignment["cadre_id"], info.assignment["class_id"],
                                                     info.assignment["reason"], info.assignment["reason_en"])}
    assert got == mine


def test_review_xlsx_reasons_follow_the_language(solved):
    def column(data: bytes, header: str) -> list[str]:
        ws = load_workbook(io.BytesIO(data)).active
        head = [c.value for c in ws[2]]
        k = head.index(header) + 1
        return [ws.cell(r, k).value or "" for r in range(3, ws.max_row + 1)]

    _english(column(upload.review_xlsx(admin(), solved, lang="en"), "理由(reason)"))
    _chinese(column(upload.review_xlsx(admin(), solved), "理由(reason)"))
    # why the first wish is not met: words of the language too (wished class names are data)
    en_why = [t for t in column(upload.review_xlsx(admin(), solved, lang="en"), "Why the first wish is not met") if t]
    assert en_why and not [t for t in en_why if ZH_FRAME.search(t) or "未满足" in t]
    assert all("first wish" in t for t in en_why)


def _old_round(rid: int) -> int:
    """The same round as if saved before English reasons were stored (no reason_en)."""
    info = lifecycle.get_round(admin(), rid)
    from services.db import session_scope
    with session_scope() as s:
        new = store_rounds.create_round(s, "旧轮次", "initial", info.inputs, info.parameters, "admin")
        store_rounds.save_round_result(s, new, info.assignment.drop(columns=["reason_en"]), info.result, "admin")
    solving.forget_results()
    return new


def test_an_old_round_without_english_reasons_never_shows_chinese_sentences_in_english(solved, as_role):
    old = _old_round(solved)
    info = lifecycle.get_round(admin(), old)
    assert "reason_en" not in info.assignment.columns
    zh = round_review.review_table(info, "zh")
    assert list(zh["reason"]) == list(round_review.review_table(lifecycle.get_round(admin(), solved), "zh")["reason"])
    en = round_review.review_table(info, "en")
    scored = en[en["score"] > 0]
    assert len(scored)
    _english(list(scored["reason"]))                      # made from the stored parts
    for text, exp, wish in zip(scored["reason"], scored["part_expertise"], scored["preference_rank"]):
        assert ("expertise" in text) == (exp > 0)
        assert pd.isna(wish) or f"wish #{int(wish)}" in text
    zero = en[en["score"] == 0]
    assert all(not ZH_FRAME.search(t) for t in zero["reason"])
    at = _page(as_role, old, "en")
    assert not at.exception, at.exception
    table = _review(at)
    assert not [t for t in table["reason"] if ZH_FRAME.search(t)]
    assert any("saved before reasons were stored in English" in c.value for c in at.caption)


def test_an_imported_round_without_reasons_shows_none_in_either_language(demo_db):
    """The demo's published round was imported from a file with an empty reason column."""
    pub = next(r for r in lifecycle.list_rounds(admin()) if r.status == "published")
    info = lifecycle.get_round(admin(), pub.id)
    assert info.assignment["reason"].eq("").all()
    for lang in ("zh", "en"):
        assert round_review.review_table(info, lang)["reason"].eq("").all()
        assert not round_review.made_from_parts(info, lang)


def test_an_uploaded_revision_stores_both_languages(solved):
    data = upload.review_xlsx(admin(), solved, lang="en")          # an English export re-imports too
    new = upload.upload_revision(admin(), solved, data, "review.xlsx")
    info = lifecycle.get_round(admin(), new)
    assert info.result["hand_made"]
    _chinese(list(info.assignment["reason"]))
    _english(list(info.assignment["reason_en"]))


def _unmet_class_wish(rid: int) -> tuple[str, str, str]:
    """A cadre whose first wish (a class) is not met: (cadre, class id, class name)."""
    info = lifecycle.get_round(admin(), rid)
    prefs = info.inputs["preferences"].sort_values(["cadre_id", "rank"]).drop_duplicates("cadre_id")
    names = dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["name"]))
    got = set(zip(info.assignment["cadre_id"], info.assignment["class_id"]))
    placed = set(info.assignment["cadre_id"])
    for cid, kind, value in zip(prefs["cadre_id"], prefs["kind"], prefs["value"]):
        if kind == "class" and cid in placed and (cid, value) not in got:
            return cid, value, names[value]
    raise AssertionError("every first class wish is met in this round")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_why_not_first_names_the_wished_class(solved, as_role, lang):
    cadre, class_id, class_name = _unmet_class_wish(solved)
    at = _page(as_role, solved, lang, **{Keys.EXPLAIN_CADRE: cadre})
    assert not at.exception, at.exception
    warned = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    head = "First choice: class " if lang == "en" else "第一意向：班级 "
    assert any(head + class_name in w for w in warned), warned
    assert not any(class_id in w for w in warned)
    if lang == "en":
        assert not [w for w in warned if ZH_FRAME.search(w) or "：" in w], warned


def test_promoted_scenarios_store_both_languages(demo_db):
    """A scenario's result keeps reason_en, and a promoted round (plain or with stand-ins mapped to real
    cadres, a hand-made result) stores it."""
    from services import data as data_service
    from services import scenarios as sc
    from services import uploads

    planner = demo_user("planner")
    sid = sc.create(planner, "理由语言情景")
    assert "reason_en" in sc.solve_scenario(planner, sid).assignment.columns
    plain = lifecycle.get_round(admin(), sc.promote(admin(), sid)).assignment
    _english(list(plain["reason_en"]))
    _chinese(list(plain["reason"]))

    sid = sc.create(planner, "假设干部")
    sc.add_edit(planner, sid, {"op": "add_hypothetical", "count": 1, "level": "deputy", "capacity": 1})
    hypo = sorted(c for c in sc.solve_scenario(planner, sid).assignment["cadre_id"] if c.startswith("H-"))
    first = data_service.load_kind(admin(), "cadres").iloc[0].to_dict()
    real = [f"T-REAL-{k}" for k in range(len(hypo))]
    for cid in real:
        uploads.save_one(admin(), "cadres", first | {"cadre_id": cid, "name": "新任干部", "unit": "组织部",
                                                     "level": "deputy", "capacity": 1})
    mapped = lifecycle.get_round(admin(), sc.promote(admin(), sid, mapping={"cadres": dict(zip(hypo, real))}))
    assert mapped.result["hand_made"]
    _english(list(mapped.assignment["reason_en"]))


DIFF_ZH_FRAME = re.compile(r"[；、]|原班级|新配对|得分|重点关注|新分配|不再带班|未分配|不在名单|接任|被回避|意向")


def test_diff_reasons_speak_the_page_s_language(solved, as_role):
    en = round_review.diff_against_published(admin(), lifecycle.get_round(admin(), solved), "en")
    zh = round_review.diff_against_published(admin(), lifecycle.get_round(admin(), solved))
    assert len(en) == len(zh) > 0 and (en["why"] != "").all()
    assert not [w for w in en["why"] if DIFF_ZH_FRAME.search(w)], list(en["why"])[:5]
    assert all(DIFF_ZH_FRAME.search(w) for w in zh["why"])
    at = _page(as_role, solved, "en", **{Keys.SECTION: "diff"})
    assert not at.exception, at.exception
    shown = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert list(shown["Why"]) == list(en["why"])
