"""Excel round trip (issue 12), how offices work today: download a round's review table with every
explanation column, edit the class column in Excel/WPS, upload it back as a NEW REVISION of the draft.

The file is formats.md "assignment" (the review table's columns are that kind's, plus explanation
columns the importer ignores; a minimal `cadre_id, class_id` file is the same kind). It is read by the
one importer, its ids checked against the round's snapshot, and its pairs checked against every hard
rule of the round by matching.assess (the solve's own rule registry and `verify`). Every problem is an
importer.Problem (file, row, column, value, expected) and nothing is written while any is left.

The saved revision keeps the draft's inputs and parameters; its result is marked hand-made
(report["hand_made"]), so re-running it checks the rules again instead of claiming a solver made
it (services.round_solve.reproduce). No Streamlit here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

import importer
from common import vocabulary
from common.errors import YixianError
from importer.core import parse
from importer.writers import neutralise_formulas
from matching import InputError
from matching.assess import HAND_MADE, assess
from services import access, round_review
from services.exports import DRAFT_MARK
from services.round_inputs import matching_input
from services.round_lifecycle import revise
from services.round_solve import READERS, cached_result, load_round, remember, stored_result
from services.solve_params import make_config
from store.auth import UserInfo

KIND = "assignment"
_A = importer.SCHEMAS[KIND]
# explanation columns that are not columns of the assignment kind (the importer ignores them on the way back)
EXTRA_HEADERS = {"unit": "单位", "level": "层级", "position": "职务", "grade": "年级", "tags": "标签",
                 "priority": "重点关注班级", "why_not_first": "第一意向未满足的原因"}
EXTRA_HEADERS_EN = {"unit": "Unit", "level": "Level", "position": "Position", "grade": "Grade", "tags": "Tags",
                    "priority": "Priority class", "why_not_first": "Why the first wish is not met"}
REVIEW_COLUMNS = ["cadre_id", "name", "unit", "level", "position", "class_id", "class_name", "college", "grade",
                  "tags", "priority", "score", *vocabulary.SCORE_PARTS, "preference_rank", "why_not_first",
                  "changed", "locked", "reason"]


class UploadRefused(YixianError):
    """An uploaded assignment that cannot become a revision (details: one line per problem, in the
    reader's language)."""

    def __init__(self, message_zh: str, message_en: str, details: list[str] | None = None, problems=()):
        self.problems = list(problems)         # before super(): its message reads detail_lines
        super().__init__(message_zh, message_en, details)

    def detail_lines(self, lang: str = "zh") -> list[str]:
        return [p.message(lang) for p in self.problems] if self.problems else list(self.details)


# ------------------------------------------------------------------ export: the review table

def _header(col: str, lang: str = "zh") -> str:
    """The assignment kind's own header `中文(id)` (the importer reads it back in either language), or
    the explanation column's header in `lang`."""
    if col in EXTRA_HEADERS:
        return EXTRA_HEADERS_EN[col] if lang == "en" else EXTRA_HEADERS[col]
    return _A.column(col).header


def _wish_words(kind: str, value: str, class_names: dict[str, str], lang: str = "zh") -> str:
    what = class_names.get(value, value) if kind == "class" else value
    if lang == "en":
        return f"{vocabulary.label(vocabulary.PREFERENCE_KINDS, kind, 'en').lower()} '{what}'"
    return f"{vocabulary.label(vocabulary.PREFERENCE_KINDS, kind)}「{what}」"


# the sentence's parts: first wish unmet, who holds the class, the explanation's words, the fit cost
_WHY = {"zh": ("第一意向{}未满足", "：该班级由{}担任", "；{}", "；满足它会使总匹配度降低 {:g}"),
        "en": ("first wish {} not met", ": the class is held by {}", "; {}",
               "; meeting it would lower the total fit by {:g}")}


def _why_words(wish: str, holder: str | None, wnf: dict, lang: str) -> str:
    """One cadre's unmet first wish in words of `lang` (wnf: the explanation panel's, when computed)."""
    lang = "en" if lang == "en" else "zh"
    head, held, more, cost = _WHY[lang]
    text = head.format(wish) + (held.format(holder) if holder else "")
    if wnf.get(f"summary_{lang}"):
        return text + more.format(wnf[f"summary_{lang}"])
    if wnf.get("move_cost") is not None:
        return text + cost.format(wnf["move_cost"])
    return text + (more.format(wnf[f"reason_{lang}"]) if wnf.get(f"reason_{lang}") else "")


def why_not_first(info, lang: str = "zh") -> pd.Series:
    """Per pair of the review table order: why the cadre's first wish is not met, in words of `lang`
    ("" when it is met or the cadre has none). Who holds a wished class is read from the result; the
    cost of granting it is added when the explanation panel already computed it (this never solves)."""
    a, prefs = info.assignment, info.inputs.get("preferences")
    out = pd.Series("", index=a.index, dtype=object)
    if prefs is None or prefs.empty or a.empty:
        return out
    class_names = dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["name"]))
    holder = dict(zip(a["class_id"], a["name"]))
    first = prefs.sort_values(["cadre_id", "rank"]).drop_duplicates("cadre_id").set_index("cadre_id")
    best = a.groupby("cadre_id")["preference_rank"].min()
    res = cached_result(info.id)
    for k, cid in zip(a.index, a["cadre_id"]):
        if cid not in first.index:
            continue
        w = first.loc[cid]
        got = best.get(cid)
        if got is not None and not pd.isna(got) and int(got) == int(w["rank"]):
            continue
        told = res.explained(cid) if res is not None else None
        held = holder.get(w["value"]) if w["kind"] == "class" else None
        out[k] = _why_words(_wish_words(w["kind"], w["value"], class_names, lang), held,
                            (told or {}).get("why_not_first") or {}, lang)
    return out


def _cell(v, lang: str = "zh"):
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return None
    if isinstance(v, (list, tuple)):
        return "；".join(map(str, v))
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        # words the importer reads back (importer.schema TRUE_WORDS / FALSE_WORDS)
        return ("yes" if v else "no") if lang == "en" else ("是" if v else "否")
    return v.item() if hasattr(v, "item") else v


def review_table(info, lang: str = "zh") -> pd.DataFrame:
    """The review table with every explanation column (ids, as exported), reasons in `lang`."""
    why = info.assignment[["cadre_id", "class_id"]].assign(why_not_first=why_not_first(info, lang))
    df = round_review.review_table(info, lang).merge(why, on=["cadre_id", "class_id"], how="left")
    return df[[c for c in REVIEW_COLUMNS if c in df.columns]]


def review_xlsx(user: UserInfo, round_id: int, lang: str = "zh") -> bytes:
    """The review table as xlsx: a title row (with 草稿 for a round not published), then the header
    row of formats.md "assignment" headers `中文(id)` and Chinese headers for the explanation columns
    (the file re-imports as it is); the title, reasons, why-not-first and yes/no cells in `lang`.
    Ids and user text are text cells (a name like `=1+1` stays text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    access.require(user, *READERS, action="export_review")
    info = load_round(round_id)
    df = review_table(info, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "Review" if lang == "en" else "审核表"
    if lang == "en":
        mark = " (DRAFT)" if info.published_at is None else ""
        title = (f"{info.name} review table{mark} (exported {date.today():%Y-%m-%d}; change only the "
                 "class id column, then upload it as a new revision)")
        ws.append([title])
    else:
        mark = DRAFT_MARK if info.published_at is None else ""
        ws.append([f"{info.name} 分配审核表{mark}（导出于 {date.today():%Y-%m-%d}；只改“班级编号”列后可上传为新修订）"])
    ws["A1"].font = Font(bold=True)
    ws.append([_header(c, lang) for c in df.columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    text_cols = {k + 1 for k, c in enumerate(df.columns) if c not in ("score", "preference_rank", "priority",
                                                                     "changed", "locked", *vocabulary.SCORE_PARTS)}
    for values in df.itertuples(index=False):
        r = ws.max_row + 1
        for j, v in enumerate(values, start=1):
            cell = ws.cell(r, j)
            cell.value = _cell(v, lang)
            if j in text_cols and cell.value is not None:
                cell.value = str(cell.value)
                cell.data_type = "s"            # text, even when it starts with "="
                cell.number_format = "@"
    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ import: an edited assignment

@dataclass
class UploadCheck:
    filename: str
    problems: list = field(default_factory=list)      # importer.Problem, file row order
    pairs: pd.DataFrame | None = None                  # cadre_id, class_id (when no problem)
    changed: int = 0                                   # pairs not in the current revision
    result: object = None                              # matching.MatchResult (hand-made, checked)

    @property
    def ok(self) -> bool:
        return not self.problems and self.result is not None


def _read(raw: bytes, filename: str) -> tuple[list, list[tuple[int, str, str]], object]:
    """Problems of the file itself (importer: header, required cells) and its rows (row number,
    cadre, class); ids are checked against the round with the rules, so every problem shows at once."""
    p = parse(KIND, raw, filename)
    if p.problems or not p.usable:
        return list(p.problems), [], p
    p.materialise()
    return [], [(r.row, r.values["cadre_id"], r.values["class_id"]) for r in p.rows], p


def check_upload(user: UserInfo, round_id: int, raw: bytes, filename: str) -> UploadCheck:
    """Read an edited assignment file for a draft round and check it against every rule; never writes."""
    access.require(user, "admin", action="upload_assignment")
    info = load_round(round_id)
    if info.status != "draft":
        raise UploadRefused("只能为草稿轮次上传分配表", "an assignment can be uploaded to a draft round only")
    out = UploadCheck(filename)
    out.problems, rows, p = _read(raw, filename)
    if out.problems:
        return out
    if not rows:
        out.problems = [importer.Problem(filename, None, None, "", "文件中没有配对", "the file holds no pairs")]
        return out
    try:
        verdict = assess(matching_input(info.inputs), make_config(info.parameters), [(a, b) for _, a, b in rows])
    except InputError as exc:
        raise UploadRefused("本轮数据无法检查", "this round's data cannot be checked",
                            [f"{zh} / {en}" for zh, en in exc.problems]) from None
    for v in verdict.violations:
        label = p.col_label(v.column)
        if not v.rows:
            out.problems.append(importer.Problem(filename, None, label, v.value, v.zh, v.en))
        for k in v.rows:
            out.problems.append(importer.Problem(filename, rows[k][0], label, v.value, v.zh, v.en))
    out.problems.sort(key=lambda q: -1 if q.row is None else q.row)
    if out.problems:
        return out
    out.result = verdict.result
    out.pairs = pd.DataFrame([(a, b) for _, a, b in rows], columns=["cadre_id", "class_id"])
    now = set(zip(info.assignment["cadre_id"], info.assignment["class_id"]))
    out.changed = len(set(zip(out.pairs["cadre_id"], out.pairs["class_id"])) - now)
    return out


def upload_revision(user: UserInfo, round_id: int, raw: bytes, filename: str) -> int:
    """Check the file again and save it as a new revision of the draft with its result (the old one is
    archived), all in one transaction; nothing is written when any row fails or the save does.
    Returns the new round id."""
    check = check_upload(user, round_id, raw, filename)
    if not check.ok:
        n = len(check.problems)
        raise UploadRefused(f"分配表有 {n} 个问题，未保存", f"the file has {n} problem(s); nothing was saved",
                            problems=check.problems)
    note = f"上传分配表“{filename}”（改动 {check.changed} 对）"
    check.result.report[HAND_MADE] = {"file": filename, "pairs": len(check.pairs), "changed": check.changed}
    # the revision and its result in one transaction: never a draft without its result
    new_id = revise(user, round_id, note=note, note_en=f"uploaded assignment '{filename}' ({check.changed} pairs changed)",
                    result=stored_result(check.result))
    remember(new_id, check.result)
    return new_id
