"""Column definitions for every file kind of formats.md — the single source of truth.

Reading, validation, templates and writers are all generated from these definitions, so a
file Yixian writes always re-imports identically.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common import vocabulary

# --- enumerations: stored value -> accepted spellings (matched case-insensitively, after
# NFKC normalisation and with spaces/hyphens read as underscores for English codes) ---------

def _spellings(table: vocabulary.Vocab) -> dict[str, tuple[str, ...]]:
    """code -> accepted spellings: the Chinese label, its aliases, then the code itself."""
    return {code: tuple(dict.fromkeys((*t.spellings, code))) for code, t in table.items()}


LEVELS = _spellings(vocabulary.LEVELS)
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
LEDGER_TYPES = _spellings(vocabulary.ACTIVITY_TYPES)
LEDGER_TYPE_ZH = vocabulary.labels(vocabulary.ACTIVITY_TYPES)
# Venues are stored as the Chinese name (ARCHITECTURE.md).
VENUES = _spellings(vocabulary.VENUES)
CONSTRAINT_TYPES = _spellings(vocabulary.CONSTRAINT_TYPES)
CONSTRAINT_TYPE_ZH = vocabulary.labels(vocabulary.CONSTRAINT_TYPES)
PREFERENCE_KINDS = _spellings(vocabulary.PREFERENCE_KINDS)
PREFERENCE_KIND_ZH = vocabulary.labels(vocabulary.PREFERENCE_KINDS)

ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "level": LEVELS,
    "ledger_type": LEDGER_TYPES,
    "venue": VENUES,
    "constraint_type": CONSTRAINT_TYPES,
    "preference_kind": PREFERENCE_KINDS,
}

TRUE_WORDS = ("是", "y", "yes", "true", "1")
FALSE_WORDS = ("否", "n", "no", "false", "0")

# Column types
TEXT, INT, FLOAT, BOOL, DATE, TAGS, ENUM, GRADE = "text", "int", "float", "bool", "date", "tags", "enum", "grade"


@dataclass(frozen=True)
class Column:
    id: str
    zh: str
    type: str = TEXT
    required: bool = False
    default: Any = None
    min: int | None = None          # for int columns: 0 (≥ 0) or 1 (> 0)
    enum: str | None = None         # key of ENUMS for enum columns
    desc_zh: str = ""
    desc_en: str = ""
    example: Any = ""
    multiline: bool = False         # free text that may hold line breaks and tabs (summary, reason)
    aliases: tuple = ()             # older Chinese headers still read (志愿 → 意向顺序); templates write `zh`

    @property
    def header(self) -> str:
        """Header written in templates and Chinese exports: `中文(id)` (re-imports as both)."""
        return f"{self.zh}({self.id})"

    @property
    def dtype(self) -> str:
        if self.type == INT:
            return "int64" if (self.required or self.default is not None) else "Int64"
        if self.type == GRADE:
            return "int64"
        if self.type == FLOAT:
            return "float64"
        if self.type == BOOL:
            return "bool"
        if self.type == DATE:
            return "datetime64[ns]"
        return "object"

    def accepted_zh(self) -> str:
        """What the column accepts, in Chinese (for messages and the 说明 sheet)."""
        if self.type == TEXT:
            return "文本"
        if self.type == INT:
            return "大于 0 的整数" if self.min == 1 else "不小于 0 的整数"
        if self.type == GRADE:
            return "入学年份，如 2025"
        if self.type == FLOAT:
            return "数字"
        if self.type == BOOL:
            return "是/否、Y/N、true/false 或 1/0"
        if self.type == DATE:
            return "日期，如 2025-09-08、2025/9/8 或 2025年9月8日"
        if self.type == TAGS:
            return "多个标签，用 ; ； 、 , ， 或 | 分隔"
        return "以下之一：" + "、".join(_enum_choices(self.enum, "zh"))

    def accepted_en(self) -> str:
        if self.type == TEXT:
            return "text"
        if self.type == INT:
            return "a whole number > 0" if self.min == 1 else "a whole number ≥ 0"
        if self.type == GRADE:
            return "year of enrolment, e.g. 2025"
        if self.type == FLOAT:
            return "a number"
        if self.type == BOOL:
            return "是/否, Y/N, true/false or 1/0"
        if self.type == DATE:
            return "a date such as 2025-09-08, 2025/9/8 or 2025年9月8日"
        if self.type == TAGS:
            return "tags separated by ; ； 、 , ， or |"
        return "one of: " + ", ".join(_enum_choices(self.enum, "en"))


def _enum_choices(enum: str | None, lang: str) -> list[str]:
    table = ENUMS[enum or ""]
    return [f"{a[0]}({a[-1]})" if lang == "zh" else f"{a[-1]} ({a[0]})" for a in table.values()]


@dataclass(frozen=True)
class Kind:
    id: str
    zh: str
    sheet: str                      # sheet name used in templates/exports (Excel forbids '/')
    columns: tuple[Column, ...]
    desc_zh: str = ""
    desc_en: str = ""
    extra_columns: tuple[tuple[str, str], ...] = field(default=())   # derived (id, dtype)

    def column(self, cid: str) -> Column:
        for c in self.columns:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def output_columns(self) -> list[str]:
        return [c.id for c in self.columns] + [e[0] for e in self.extra_columns]

    def sheet_names(self) -> set[str]:
        """Sheet names that identify this kind (compared case-insensitively)."""
        return {self.id.lower(), self.zh.lower(), self.sheet.lower(), self.zh.replace("/", "").lower()}


C = Column

_CADRE_ID = C("cadre_id", "工号", required=True, desc_zh="干部工号", desc_en="staff number of the cadre",
              example="T2003017")
_CLASS_ID = C("class_id", "班级编号", required=True, desc_zh="班级编号", desc_en="class id", example="JS2501")


def _opt(c: Column, **kw: Any) -> Column:
    from dataclasses import replace
    return replace(c, required=False, **kw)


CADRES = Kind("cadres", "干部名单", "干部名单", (
    C("cadre_id", "工号", required=True, desc_zh="工号，唯一", desc_en="staff number, unique",
      example="T2003017"),
    C("name", "姓名", required=True, desc_zh="姓名", desc_en="full name", example="张伟"),
    C("unit", "单位", required=True, desc_zh="本人所在单位；若为学院，适用本单位规则",
      desc_en="the cadre's own unit; when it is a college the own-unit rule applies", example="计算机学院"),
    C("position", "职务", desc_zh="职务，如 党委副书记、处长、副院长", desc_en="position, e.g. 处长",
      example="副院长"),
    C("level", "层级", ENUM, required=True, enum="level", desc_zh="干部层级", desc_en="cadre level",
      example="中层副职"),
    C("expertise", "专长", TAGS, default=(), desc_zh="熟悉业务有何专长（多个用分号分隔）",
      desc_en="areas of expertise (tag list)", example="思想政治教育;就业指导"),
    C("discipline", "学科", desc_zh="本人所学学科门类，如 工学", desc_en="discipline of training, e.g. 工学",
      example="工学"),
    C("capacity", "带班数", INT, default=1, min=0, desc_zh="本轮可带班级数，默认 1，0 表示本轮不带班",
      desc_en="classes the cadre can take this round (default 1; 0 = none)", example=1),
), "领导干部名单，每人一行", "the cadres, one a row")

CLASSES = Kind("classes", "班级名单", "班级名单", (
    C("class_id", "班级编号", required=True, desc_zh="班级编号，唯一", desc_en="class id, unique",
      example="JS2501"),
    C("name", "班级名称", required=True, desc_zh="班级名称", desc_en="class name", example="计算机2501班"),
    C("college", "学院", required=True, desc_zh="所属学院", desc_en="college", example="计算机学院"),
    C("major", "专业", desc_zh="专业", desc_en="major", example="计算机科学与技术"),
    C("discipline", "学科", desc_zh="学科门类，如 理学", desc_en="discipline, e.g. 理学", example="工学"),
    C("grade", "年级", GRADE, required=True, desc_zh="入学年份", desc_en="year of enrolment", example=2025),
    C("size", "人数", INT, required=True, min=1, desc_zh="学生人数", desc_en="number of students",
      example=32),
    C("tags", "标签", TAGS, default=(), desc_zh="需求标签：新生班、毕业班、学业预警、心理关注、少数民族、国际学生、经济困难或本校自定",
      desc_en="need tags (新生班, 毕业班, 学业预警 … or the school's own)", example="新生班;学业预警"),
    C("priority", "重点", BOOL, default=False, desc_zh="是否重点关注班级", desc_en="priority class",
      example="否"),
), "班级名单，每班一行", "the classes, one a row")

PREFERENCES = Kind("preferences", "意向", "意向", (
    _CADRE_ID,
    C("rank", "意向顺序", INT, aliases=("志愿", "志愿顺序"), required=True, min=1, desc_zh="意向顺序，1 为第一意向；同一干部不可重复",
      desc_en="1 = first choice; distinct per cadre", example=1),
    C("kind", "类型", ENUM, required=True, enum="preference_kind", desc_zh="意向类型",
      desc_en="what the preference names", example="学院"),
    C("value", "意向", required=True, desc_zh="班级编号、学院名称、专业名称或年级（须存在）",
      desc_en="a class id, college, major or grade year (must exist)", example="计算机学院"),
), "干部的意向，每个意向一行", "each cadre's ranked wishes, one a row")

CONSTRAINTS = Kind("constraints", "约束", "约束", (
    C("type", "类型", ENUM, required=True, enum="constraint_type", desc_zh="约束类型",
      desc_en="rule type", example="回避"),
    _opt(_CADRE_ID, desc_zh="工号（回避、锁定）", desc_en="cadre (forbid, lock)"),
    _opt(_CLASS_ID, desc_zh="班级编号（回避某班、锁定）", desc_en="class (forbid one class, lock)"),
    C("college", "学院", desc_zh="学院（整院回避、学院名额、层级上限）",
      desc_en="college (forbid a whole college, college_quota, level_cap)", example=""),
    C("level", "层级", ENUM, enum="level", default="", desc_zh="层级（层级上限）", desc_en="level (level_cap)",
      example=""),
    C("min", "下限", INT, min=0, desc_zh="学院名额下限", desc_en="college_quota: at least this many",
      example=""),
    C("max", "上限", INT, min=0, desc_zh="学院名额或层级上限", desc_en="college_quota / level_cap: at most",
      example=""),
    C("reason", "原因", desc_zh="原因，会在解释中显示", desc_en="reason, shown in explanations",
      example="亲属回避", multiline=True),
), "分配约束，每条规则一行", "assignment rules, one a row")

SCORES = Kind("scores", "外部评分", "外部评分", (
    _CADRE_ID, _CLASS_ID,
    C("score", "分数", FLOAT, required=True, desc_zh="该配对的分数（替代内置匹配模型）",
      desc_en="score of the pair (replaces the built-in fit model)", example=87.5),
), "外部评分，每个配对一行", "external scores, one pair a row", extra_columns=(("score_text", "object"),))

PREVIOUS = Kind("previous", "上轮结果", "上轮结果", (_CADRE_ID, _CLASS_ID),
                "上一轮的分配结果", "the assignment in force before this round")

_PART = {"type": FLOAT, "desc_zh": "得分分项", "desc_en": "score part", "example": 0.5}
ASSIGNMENT = Kind("assignment", "分配结果", "分配结果", (
    _CADRE_ID,
    C("name", "姓名", desc_zh="干部姓名", desc_en="cadre name", example="张伟"),
    _CLASS_ID,
    C("class_name", "班级名称", desc_zh="班级名称", desc_en="class name", example="计算机2501班"),
    C("college", "学院", desc_zh="班级所属学院", desc_en="college of the class", example="计算机学院"),
    C("score", "总分", FLOAT, desc_zh="匹配总分", desc_en="fit score", example=2.5),
    C("part_expertise", "专长分", **{**_PART, "desc_zh": "专长得分", "desc_en": "expertise part"}),
    C("part_discipline", "学科分", **{**_PART, "desc_zh": "学科得分", "desc_en": "discipline part"}),
    C("part_preference", "意向分", **{**_PART, "desc_zh": "意向得分", "desc_en": "preference part"}),
    C("part_continuity", "连续性分", **{**_PART, "desc_zh": "连续性得分", "desc_en": "continuity part"}),
    C("part_own_unit", "本单位分", **{**_PART, "desc_zh": "本单位得分", "desc_en": "own-unit part"}),
    C("part_unit", "单位分", **{**_PART, "desc_zh": "工作领域（单位）得分", "desc_en": "unit part"}),
    C("preference_rank", "满足意向", INT, aliases=("满足志愿",), min=1, desc_zh="满足的意向序号，空为未满足",
      desc_en="rank of the preference met, empty if none", example=1),
    C("locked", "锁定", BOOL, default=False, desc_zh="是否锁定", desc_en="locked pair", example="否"),
    C("changed", "变动", BOOL, default=False, desc_zh="与上轮相比是否变动", desc_en="changed against previous",
      example="否"),
    C("start", "开始日期", DATE, desc_zh="开始日期，空为整个校历", desc_en="start date, empty = open",
      example=""),
    C("end", "结束日期", DATE, desc_zh="结束日期，空为整个校历", desc_en="end date, empty = open",
      example=""),
    C("reason", "理由", desc_zh="该配对的理由（各得分项，由大到小）", desc_en="why this pair (each part, largest first)",
      example="专长「心理健康」对应标签「心理关注」+3；连任 +3"),
), "分配结果，每个配对一行", "the assignment, one pair a row")

LEDGER = Kind("ledger", "工作台账", "工作台账", (
    C("activity_id", "编号", desc_zh="活动编号，空则自动生成；重复导入同一编号会更新而非重复",
      desc_en="activity id; generated when empty; re-import updates", example=""),
    _CADRE_ID,
    C("date", "日期", DATE, required=True, desc_zh="活动日期", desc_en="date of the activity",
      example="2025-09-15"),
    C("type", "类型", ENUM, required=True, enum="ledger_type", desc_zh="活动类型", desc_en="activity type",
      example="面对面交流"),
    C("venue", "场所", ENUM, enum="venue", default="", desc_zh="九进场所（向党委汇报可不填）",
      desc_en="the nine-venue place (not needed for report)", example="宿舍"),
    _opt(_CLASS_ID, desc_zh="班级编号，空则为该干部当日所带班级", desc_en="class; empty = the cadre's class that day",
         example=""),
    C("students", "学生人数", INT, min=0, desc_zh="参与学生人数", desc_en="number of students", example=12),
    C("minutes", "时长", INT, min=0, desc_zh="时长（分钟）", desc_en="duration in minutes", example=60),
    C("summary", "内容", desc_zh="活动内容", desc_en="summary", example="走访学生宿舍，了解学习生活情况",
      multiline=True),
), "工作台账，每次活动一行", "the ledger, one activity a row")

EXEMPTIONS = Kind("exemptions", "请假/公差", "请假公差", (
    _CADRE_ID,
    C("start", "开始日期", DATE, required=True, desc_zh="开始日期（含）", desc_en="first day (inclusive)",
      example="2025-10-20"),
    C("end", "结束日期", DATE, required=True, desc_zh="结束日期（含）", desc_en="last day (inclusive)",
      example="2025-11-07"),
    C("reason", "原因", desc_zh="请假或公差原因", desc_en="reason", example="出国访问", multiline=True),
), "请假、公差，每段一行", "leave and business trips, one period a row")

_ALL = (CADRES, CLASSES, PREFERENCES, CONSTRAINTS, SCORES, PREVIOUS, ASSIGNMENT, LEDGER, EXEMPTIONS)
SCHEMAS: dict[str, Kind] = {k.id: k for k in _ALL}
# Ordered (kind id, Chinese name) pairs — what pages and CLIs list.
KINDS: list[tuple[str, str]] = [(k.id, k.zh) for k in _ALL]


def kind(kind_id: str) -> Kind:
    try:
        return SCHEMAS[kind_id]
    except KeyError:
        raise ValueError(f"unknown file kind {kind_id!r}; expected one of {', '.join(SCHEMAS)}") from None
