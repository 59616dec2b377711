"""Deterministic demo university (演示数据) for Yixian.

    python -m data.generate_demo [--out data/demo] [--seed 2025] [--year 2026] [--today 2026-11-30]

Everything here is invented: the people are random surname + given-name combinations, the
university is a composite "comprehensive university with a sports flavour" modelled on the
2021 policy bulletin (123 cadres in classes). The same seed and school year always give
byte-identical files: one `random.Random(seed)` drives every choice (no global random state), and
the xlsx files get fixed document properties and fixed zip timestamps. The school year is the one
that contains the day the generator runs (data/demo_year.py; `--year`, `--today` or the
`YIXIAN_DEMO_TODAY` variable pin it): a new user sees a current year. The ledger stops at that
day (`--today`, the as-of date): the demo never records an activity that has not happened yet.
The same seed, year and as-of date give the same files, and the ledger of an earlier as-of date is
a prefix of a later one's (the whole year is drawn, then cut).

`generate(seed, year, as_of)` returns the canonical DataFrames of docs/ARCHITECTURE.md (plus the calendar
TOML text) so tests and benchmarks can use the data in memory; `write(out, seed)` writes the
files in the formats of formats.md, deliberately mixing the forms real offices use (title
rows, blank rows, Chinese / `中文(id)` / English headers, several tag separators and date
forms, UTF-8, UTF-8 with BOM and GB18030) so that the importer's leniency is exercised.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from common import vocabulary
from common.ids import activity_id
from data.demo_year import (
    EXAM_WEEKS,
    GENERATED,
    WEEKS,
    DemoYear,
    demo_today,
    demo_year,
    plenum_topic,
    year_info,
)

DEFAULT_SEED = 2025
DEFAULT_OUT = Path(__file__).resolve().parent / "demo"

# The school year (terms, holidays, grades) comes from data/demo_year.py: by default the academic
# year that contains the day the generator runs (YIXIAN_DEMO_TODAY overrides the clock).

# --- colleges: name, 学科门类, oversight group, majors (name, 学科门类, classes per grade, mean size)
COLLEGES: list[tuple[str, str, list[tuple[str, str, int, int]]]] = [
    ("体育教育学院", "教育学", [("体育教育", "教育学", 5, 32), ("社会体育指导与管理", "教育学", 2, 30)]),
    ("运动训练学院", "教育学", [("运动训练", "教育学", 6, 27), ("武术与民族传统体育", "教育学", 2, 26)]),
    ("运动人体科学学院", "教育学", [("运动人体科学", "教育学", 2, 30), ("运动康复", "教育学", 3, 32)]),
    ("体育商学院", "管理学", [("体育经济与管理", "教育学", 3, 36), ("市场营销", "管理学", 2, 38)]),
    ("新闻与传播学院", "文学", [("新闻学", "文学", 3, 36), ("网络与新媒体", "文学", 2, 38)]),
    ("外国语学院", "文学", [("英语", "文学", 4, 30), ("日语", "文学", 1, 28), ("翻译", "文学", 2, 28)]),
    ("马克思主义学院", "法学", [("思想政治教育", "法学", 3, 36), ("哲学", "哲学", 1, 30)]),
    ("计算机科学与技术学院", "工学", [("计算机科学与技术", "工学", 5, 40), ("软件工程", "工学", 4, 40),
                                ("数据科学与大数据技术", "工学", 2, 38)]),
    ("数学与统计学院", "理学", [("数学与应用数学", "理学", 3, 38), ("统计学", "理学", 2, 36)]),
    ("经济管理学院", "管理学", [("经济学", "经济学", 2, 40), ("会计学", "管理学", 4, 42),
                           ("工商管理", "管理学", 2, 40), ("金融学", "经济学", 2, 42)]),
    ("法学院", "法学", [("法学", "法学", 5, 40), ("知识产权", "法学", 1, 36)]),
    ("艺术学院", "艺术学", [("舞蹈表演", "艺术学", 2, 24), ("音乐学", "艺术学", 2, 26),
                        ("视觉传达设计", "艺术学", 2, 30)]),
    ("教育学院", "教育学", [("教育学", "教育学", 2, 38), ("学前教育", "教育学", 3, 40), ("小学教育", "教育学", 2, 40)]),
    ("心理学院", "理学", [("应用心理学", "理学", 3, 36), ("心理学", "理学", 2, 34)]),
    ("医学院", "医学", [("临床医学", "医学", 6, 42), ("护理学", "医学", 3, 42), ("康复治疗学", "医学", 2, 40)]),
    ("化学与化工学院", "理学", [("化学", "理学", 2, 36), ("应用化学", "理学", 2, 38), ("化学工程与工艺", "工学", 3, 40)]),
    ("机械工程学院", "工学", [("机械设计制造及其自动化", "工学", 4, 42), ("车辆工程", "工学", 2, 40),
                         ("智能制造工程", "工学", 2, 40)]),
    ("国际教育学院", "文学", [("汉语国际教育", "文学", 3, 26), ("国际经济与贸易", "经济学", 1, 28)]),
    ("文学院", "文学", [("汉语言文学", "文学", 4, 38), ("历史学", "历史学", 2, 34), ("秘书学", "文学", 1, 36)]),
    ("物理与电子工程学院", "理学", [("物理学", "理学", 3, 38), ("电子信息工程", "工学", 3, 40), ("通信工程", "工学", 2, 40)]),
]

# disciplinary expertise tag of each college (what a professor there would write under 专长)
COLLEGE_FIELD = {
    "体育教育学院": "体育教学", "运动训练学院": "运动训练", "运动人体科学学院": "运动医学",
    "体育商学院": "体育产业", "新闻与传播学院": "新闻传播", "外国语学院": "外语",
    "马克思主义学院": "马克思主义理论", "计算机科学与技术学院": "计算机", "数学与统计学院": "数学",
    "经济管理学院": "经济管理", "法学院": "法律", "艺术学院": "艺术", "教育学院": "教育学",
    "心理学院": "心理学", "医学院": "医学", "化学与化工学院": "化学", "机械工程学院": "机械",
    "国际教育学院": "国际交流", "文学院": "文学", "物理与电子工程学院": "电子信息",
}
QUOTA_MAX = {"国际教育学院": 3}      # 学院名额上限 (constraints), also bounds its priority classes
DISCIPLINES = ["哲学", "经济学", "法学", "教育学", "文学", "历史学", "理学", "工学", "农学", "医学", "管理学", "艺术学"]

# offices (机关部处): name, head title, deputy title, expertise pool
OFFICES: list[tuple[str, str, str, list[str]]] = [
    ("党委组织部", "部长", "副部长", ["党建", "干部管理", "思想政治教育"]),
    ("党委宣传部", "部长", "副部长", ["宣传", "思想政治教育", "网络思政"]),
    ("党委统战部", "部长", "副部长", ["民族工作", "统战工作", "思想政治教育"]),
    ("学生工作部", "部长", "副部长", ["思想政治教育", "心理健康", "学生资助", "学风建设"]),
    ("教务处", "处长", "副处长", ["教学管理", "学风建设", "课程建设"]),
    ("科研处", "处长", "副处长", ["科研指导", "创新创业"]),
    ("人事处", "处长", "副处长", ["人才培养", "就业指导"]),
    ("财务处", "处长", "副处长", ["财务管理", "学生资助"]),
    ("国际交流处", "处长", "副处长", ["国际交流", "外语"]),
    ("招生就业处", "处长", "副处长", ["就业指导", "创新创业", "招生工作"]),
    ("后勤管理处", "处长", "副处长", ["后勤服务", "安全教育"]),
    ("保卫处", "处长", "副处长", ["安全教育", "法律"]),
    ("研究生院", "院长", "副院长", ["科研指导", "教学管理"]),
    ("图书馆", "馆长", "副馆长", ["阅读推广", "信息素养"]),
    ("校团委", "书记", "副书记", ["思想政治教育", "社团指导", "创新创业", "志愿服务"]),
    ("网络信息中心", "主任", "副主任", ["信息化", "网络思政"]),
]
SCHOOL_POSITIONS = ["党委书记", "校长", "党委常务副书记", "党委副书记", "纪委书记",
                    "副校长", "副校长", "副校长", "副校长", "副校长", "党委副书记", "总会计师"]
SCHOOL_EXPERTISE = ["思想政治教育", "党建", "教学管理", "科研指导", "国际交流", "就业指导",
                    "学风建设", "财务管理", "体育教学", "运动训练", "心理健康"]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
            "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚英华玉萍红建文辉力斌宇浩凯鹏丹琳晨欣宁峰蕾雪海波志国"
         "春晓颖慧俊昊立新亮岩彬毅婷倩璐瑶悦然佳怡冰博思远清梅云帆航迪睿哲琦楠坤健东振松林荣飞鑫晶诚正"
         "兴恒阳昕蓉莉岚玲")

LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
KIND_ZH = vocabulary.labels(vocabulary.PREFERENCE_KINDS)
TYPE_ZH = vocabulary.labels(vocabulary.CONSTRAINT_TYPES)
ACT_ZH = vocabulary.labels(vocabulary.ACTIVITY_TYPES)
TAG_ORDER = ["新生班", "毕业班", "学业预警", "心理关注", "少数民族", "国际学生", "经济困难"]
VENUES = list(vocabulary.VENUES)

CADRE_COLS = ["cadre_id", "name", "unit", "position", "level", "expertise", "discipline", "capacity"]
CLASS_COLS = ["class_id", "name", "college", "major", "discipline", "grade", "size", "tags", "priority"]
PREF_COLS = ["cadre_id", "rank", "kind", "value"]
CONSTRAINT_COLS = ["type", "cadre_id", "class_id", "college", "level", "min", "max", "reason"]
PART_COLS = ["part_expertise", "part_discipline", "part_preference", "part_continuity", "part_own_unit"]
ASSIGN_COLS = (["cadre_id", "name", "class_id", "class_name", "college", "score"] + PART_COLS
               + ["preference_rank", "locked", "changed", "start", "end"])
LEDGER_COLS = ["activity_id", "cadre_id", "date", "type", "venue", "class_id", "students", "minutes", "summary"]
EXEMPTION_COLS = ["cadre_id", "start", "end", "reason"]

FIXED_XLSX_TIME = datetime(2025, 9, 1, 8, 0, 0)


# ============================================================================ model objects
@dataclass
class Cadre:
    cadre_id: str
    name: str
    unit: str
    position: str
    level: str
    expertise: tuple[str, ...]
    discipline: str
    capacity: int = 1
    oversees: tuple[str, ...] = ()      # colleges a school leader oversees (分管)
    profile: str = "average"            # diligent / average / lagging (ledger behaviour)


@dataclass
class Klass:
    class_id: str
    name: str
    college: str
    major: str
    discipline: str
    grade: int
    size: int
    tags: list[str] = field(default_factory=list)
    priority: bool = False


@dataclass
class Pair:
    cadre_id: str
    class_id: str
    start: date
    end: date | None
    locked: bool = False
    changed: bool = False


# ============================================================================ calendar
def calendar_toml(year: int | None = None) -> str:
    yr = year_info(demo_year() if year is None else year)
    lines = [f"# 校历 {yr.label} 学年（演示数据）: 两个学期，各 {WEEKS} 个教学周；法定节假日按国务院办公厅的放假规律（不含调休）。",
             f"# Demo calendar {yr.label}: two terms of {WEEKS} teaching weeks; public holidays as usually announced."]
    if yr.approximate:
        lines.append("# 注意：部分农历节日日期为估算 / note: some lunar holiday dates are approximate")
    lines.append("")
    for name, start, weeks, hols in yr.terms:
        lines.append("[[term]]")
        lines.append(f'name = "{name}"')
        lines.append(f"start = {start.isoformat()}          # 第1教学周周一 Monday of teaching week 1")
        lines.append(f"weeks = {weeks}")
        parts = [f'["{a.isoformat()}", "{b.isoformat()}"]' for _, a, b in hols]
        lines.append(f"holidays = [{', '.join(parts)}]   # {'、'.join(h for h, _, _ in hols)}")
        lines.append("")
    return "\n".join(lines)


def _holidays(yr: DemoYear) -> set[date]:
    out = set()
    for _, _, _, hols in yr.terms:
        for _, a, b in hols:
            d = a
            while d <= b:
                out.add(d)
                d += timedelta(days=1)
    return out


def _teaching_weeks(yr: DemoYear) -> list[tuple[str, int, date]]:
    """(term, week number, Monday) of every teaching week (≥1 non-holiday weekday)."""
    hol = _holidays(yr)
    out = []
    for name, start, weeks, _ in yr.terms:
        for n in range(1, weeks + 1):
            monday = start + timedelta(days=7 * (n - 1))
            if any(monday + timedelta(days=i) not in hol for i in range(5)):
                out.append((name, n, monday))
    return out


# ============================================================================ builders
class _World:
    def __init__(self, seed: int, year: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.yr = year_info(year)
        self.as_of: date = self.yr.end              # the ledger's last day (set by _world)
        self.used_names: set[str] = set()
        self.classes: list[Klass] = []
        self.cadres: list[Cadre] = []
        self.prefs: list[tuple[str, int, str, str]] = []
        self.constraints: list[dict] = []
        self.pairs: list[Pair] = []
        self.exemptions: list[tuple[str, date, date, str]] = []
        self.ledger: list[dict] = []

    # ---------------------------------------------------------------- names
    def person_name(self) -> str:
        r = self.rng
        while True:
            sur = r.choice(SURNAMES)
            given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.72 else "")
            if given[0] == sur or (len(given) == 2 and given[0] == given[1]):
                continue
            name = sur + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    # ---------------------------------------------------------------- classes
    def build_classes(self) -> None:
        r = self.rng
        yr = self.yr
        for ci, (college, _, majors) in enumerate(COLLEGES, start=1):
            for mi, (major, disc, per_grade, mu) in enumerate(majors, start=1):
                for grade in yr.grades(major):          # 临床医学: five grades
                    # enrolment varies a little from year to year
                    n = max(1, per_grade + r.choices([-1, 0, 1], weights=[1, 5, 4])[0])
                    for k in range(1, n + 1):
                        size = round(r.gauss(mu, 3.5))
                        if grade == yr.final_grade(major):      # some attrition by the final year
                            size -= r.choice([0, 0, 1, 2])
                        size = min(46, max(22, size))
                        self.classes.append(Klass(
                            class_id=f"{grade}{ci:02d}{mi:02d}{k:02d}",
                            name=f"{major}{grade}级{k}班", college=college, major=major,
                            discipline=disc, grade=grade, size=size))
        for c in self.classes:
            if c.grade == yr.freshman:
                c.tags.append("新生班")
            if c.grade == yr.final_grade(c.major):
                c.tags.append("毕业班")
        n = len(self.classes)

        def tag_some(tag: str, rate: float, weight) -> None:
            pool = [c for c in self.classes if weight(c) > 0 and tag not in c.tags]
            for c in _weighted_sample(r, pool, [weight(c) for c in pool], round(rate * n)):
                c.tags.append(tag)

        # no grades yet for the freshmen in autumn, so academic warnings hit the older grades
        tag_some("学业预警", 0.08, lambda c: 0 if c.grade == yr.freshman else
                 (1.6 if c.college in ("计算机科学与技术学院", "数学与统计学院", "物理与电子工程学院", "机械工程学院")
                  else 1.0))
        tag_some("心理关注", 0.06, lambda c: 1.5 if c.grade in (yr.final_grade(c.major), yr.freshman)
                 or "学业预警" in c.tags else 1.0)
        tag_some("少数民族", 0.05, lambda c: 2.5 if c.major in ("运动训练", "武术与民族传统体育", "舞蹈表演") else 1.0)
        intl = [c for c in self.classes if c.college == "国际教育学院"]
        for c in intl:
            c.tags.append("国际学生")
        extra = max(0, round(0.03 * n) - len(intl))
        tag_some("国际学生", extra / n, lambda c: 3.0 if c.college in ("外国语学院", "体育教育学院") else
                 (0.3 if c.college != "国际教育学院" else 0))
        tag_some("经济困难", 0.05, lambda c: 1.6 if c.college in ("运动训练学院", "教育学院", "体育教育学院") else 1.0)
        for c in self.classes:
            c.tags.sort(key=TAG_ORDER.index)

    def flag_priority(self) -> None:
        """重点关注班级 (priority) for ~18 % of classes, more likely where the need is greater.

        Kept below the cadres' total capacity (with room for locks and quotas) so that a round
        whose rule says every priority class must get an adviser is solvable."""
        r = self.rng
        n = len(self.classes)
        supply = sum(c.capacity for c in self.cadres)
        pw = []
        for c in self.classes:
            w = 1.0
            if "学业预警" in c.tags or "心理关注" in c.tags:
                w = 4.0
            elif "新生班" in c.tags:
                w = 2.0
            elif "经济困难" in c.tags or "毕业班" in c.tags:
                w = 1.3
            pw.append(w)
        for c in _weighted_sample(r, list(self.classes), pw, min(round(0.18 * n), supply - 10)):
            c.priority = True
        # a college whose advisers are capped (学院名额上限) cannot have more priority classes than the cap
        for college, cap in QUOTA_MAX.items():
            for c in [c for c in self.classes if c.college == college and c.priority][cap:]:
                c.priority = False

    # ---------------------------------------------------------------- cadres
    def build_cadres(self) -> None:
        r = self.rng
        seq = iter(range(17, 10_000, 1))
        colleges = [c[0] for c in COLLEGES]
        college_disc = {c[0]: c[1] for c in COLLEGES}

        def new_id(hire_lo: int, hire_hi: int) -> str:
            return f"{r.randint(hire_lo, hire_hi)}{next(seq) * 7 % 10_000:04d}"

        def disc_tag(disc: str) -> str:
            return {"哲学": "哲学", "经济学": "经济管理", "法学": "法律", "教育学": "教育学", "文学": "文学",
                    "历史学": "历史", "理学": "数学", "工学": "计算机", "农学": "农学", "医学": "医学",
                    "管理学": "经济管理", "艺术学": "艺术"}[disc]

        # school leaders (校领导) each oversee (分管) a few colleges
        overseen = list(colleges)
        r.shuffle(overseen)
        for i, pos in enumerate(SCHOOL_POSITIONS):
            disc = r.choice(DISCIPLINES[:8] + ["医学", "管理学", "教育学", "工学"])
            tags = r.sample(SCHOOL_EXPERTISE, 2)
            if disc_tag(disc) not in tags:
                tags.append(disc_tag(disc))
            oversees = tuple(overseen[(2 * i) % 20:(2 * i) % 20 + 2]) if i >= 2 else ()
            self.cadres.append(Cadre(new_id(1986, 1996), self.person_name(), "学校领导", pos, "school",
                                     tuple(tags), disc, oversees=oversees))
        # 111 middle-level cadres: 20 colleges × (院长 + 党委书记) + 16 office heads, the rest deputies
        middle = 123 - len(SCHOOL_POSITIONS)
        n_heads = 2 * len(colleges) + len(OFFICES)
        n_deputies = middle - n_heads
        college_dep = [1] * len(colleges)
        office_dep = [1] * len(OFFICES)
        for _ in range(n_deputies - len(colleges) - len(OFFICES)):
            if r.random() < 0.45:
                college_dep[r.randrange(len(colleges))] += 1
            else:
                office_dep[r.randrange(len(OFFICES))] += 1
        for ci, college in enumerate(colleges):
            field_tag = COLLEGE_FIELD[college]
            disc = college_disc[college]
            roles = [("院长", "head"), ("党委书记", "head")]
            roles += [("副院长", "deputy") if j % 2 == 0 else ("党委副书记", "deputy") for j in range(college_dep[ci])]
            for pos, level in roles:
                if "书记" in pos:
                    tags = [r.choice(["思想政治教育", "党建"]), r.choice(["学风建设", "心理健康", "学生资助", "就业指导"])]
                    if r.random() < 0.6:
                        tags.append(field_tag)
                else:
                    tags = [field_tag, r.choice(["教学管理", "科研指导", "创新创业", "就业指导"])]
                if college == "国际教育学院" and "国际交流" not in tags:
                    tags.append("国际交流")
                own = disc if r.random() < 0.85 else r.choice(DISCIPLINES)
                self.cadres.append(Cadre(new_id(1990, 2014), self.person_name(), college, pos, level,
                                         tuple(dict.fromkeys(tags)), own))
        for oi, (office, head_t, dep_t, pool) in enumerate(OFFICES):
            roles = [(head_t, "head")] + [(dep_t, "deputy")] * office_dep[oi]
            for pos, level in roles:
                disc = r.choice(DISCIPLINES)
                tags = r.sample(pool, min(len(pool), r.choice([1, 2, 2])))
                if r.random() < 0.5:
                    tags.append(disc_tag(disc))
                self.cadres.append(Cadre(new_id(1992, 2016), self.person_name(), office, pos, level,
                                         tuple(dict.fromkeys(tags)), disc))
        assert len(self.cadres) == 123
        # two deputies on long leave this round (capacity 0)
        deputies = [c for c in self.cadres if c.level == "deputy"]
        for c in r.sample(deputies, 2):
            c.capacity = 0
        # ledger behaviour: ≈30 % diligent, ≈50 % average, ≈20 % lagging
        for c in self.cadres:
            c.profile = r.choices(["diligent", "average", "lagging"], weights=[3, 5, 2])[0]

    # ---------------------------------------------------------------- constraints (picked before preferences)
    def build_constraints(self) -> None:
        r = self.rng
        cls = self.classes
        by_pos = {c.position: c for c in self.cadres if c.level == "school"}
        active = [c for c in self.cadres if c.capacity > 0]
        # locks
        secretary = by_pos["党委书记"]
        fr = self.yr.freshman
        k1 = r.choice([c for c in cls if c.college == "体育教育学院" and c.grade == fr])
        president = by_pos["校长"]
        k2 = r.choice([c for c in cls if c.college == "运动训练学院" and c.grade == self.yr.final_grade(c.major)])
        sw_head = next(c for c in self.cadres if c.unit == "学生工作部" and c.level == "head")
        k3 = r.choice([c for c in cls if "心理关注" in c.tags and c.college not in ("体育教育学院", "运动训练学院")])
        self.locks = [(secretary, k1, "党委书记联系点：新生入学教育，延续体育育人特色"),
                      (president, k2, "校长联系毕业班，督导就业工作"),
                      (sw_head, k3, "上一学年已担任该班班主任，心理帮扶需延续")]
        # forbids
        relative = r.choice([c for c in active if c.level in ("head", "deputy") and c.unit not in self.college_names()
                             and c not in (sw_head,)])
        rel_class = r.choice([c for c in cls if c.grade in (fr - 1, fr)])
        dean = r.choice([c for c in active if c.position == "院长" and c.unit not in ("体育教育学院", "运动训练学院")])
        guard = next(c for c in self.cadres if c.unit == "保卫处" and c.level == "head")
        disc_class = r.choice([c for c in cls if c.grade == fr - 2 and c.college != rel_class.college])
        self.forbid_pairs = [(relative, rel_class), (guard, disc_class)]
        self.forbid_college = (dean, dean.unit)
        rows = [
            {"type": "forbid", "cadre_id": relative.cadre_id, "class_id": rel_class.class_id,
             "reason": "亲属回避：其子女在该班就读"},
            {"type": "forbid", "cadre_id": dean.cadre_id, "college": dean.unit,
             "reason": "学院规定：院长不在本院担任班主任，避免评奖评优利益冲突"},
            {"type": "forbid", "cadre_id": guard.cadre_id, "class_id": disc_class.class_id,
             "reason": "利益回避：正在处理该班学生违纪事件"},
        ]
        rows += [{"type": "lock", "cadre_id": c.cadre_id, "class_id": k.class_id, "reason": why}
                 for c, k, why in self.locks]
        rows += [
            {"type": "college_quota", "college": "体育教育学院", "min": 3, "reason": "体育特色学院，至少3名干部联系班级"},
            {"type": "college_quota", "college": "运动训练学院", "min": 3, "reason": "运动队学生多、管理难度大"},
            {"type": "college_quota", "college": "马克思主义学院", "min": 2, "reason": "思政课示范班级建设"},
            {"type": "college_quota", "college": "国际教育学院", "max": QUOTA_MAX["国际教育学院"],
             "reason": "留学生管理以国际交流处为主"},
        ]
        # 每个学院最多1名校领导: a level cap names one college, so the office fills the rule down
        rows += [{"type": "level_cap", "college": college, "level": "school", "max": 1,
                  "reason": "每个学院最多1名校领导担任班主任"} for college, _, _ in COLLEGES]
        self.quota_min = {"体育教育学院": 3, "运动训练学院": 3, "马克思主义学院": 2}
        self.quota_max = dict(QUOTA_MAX)
        self.constraints = rows

    def college_names(self) -> set[str]:
        return {c[0] for c in COLLEGES}

    # ---------------------------------------------------------------- preferences
    def build_preferences(self) -> None:
        r = self.rng
        cls = self.classes
        colleges = [c[0] for c in COLLEGES]
        majors_of = defaultdict(list)
        for c in COLLEGES:
            majors_of[c[0]] = [m[0] for m in c[2]]
        classes_of = defaultdict(list)
        for k in cls:
            classes_of[k.college].append(k)

        def tagged(tag: str) -> list[Klass]:
            return [k for k in cls if tag in k.tags]

        g = [str(self.yr.freshman - i) for i in range(4)]     # grade wishes: 新生 … 毕业 (four-year)
        locked_ids = {c.cadre_id for c, _, _ in self.locks}
        dean = self.forbid_college[0]
        active = [c for c in self.cadres if c.capacity > 0]
        n_with = round(0.8 * len(self.cadres))
        # locked cadres usually still state a wish; everyone else ~80 %
        rest = [c for c in active if c.cadre_id not in locked_ids]
        chosen = {c.cadre_id for c in r.sample(rest, n_with - len(locked_ids))} | locked_ids
        for cadre in self.cadres:
            if cadre.cadre_id not in chosen:
                continue
            opts: list[tuple[float, str, str]] = []

            def add(w: float, kind: str, value: str, opts=opts) -> None:
                opts.append((w, kind, value))

            if cadre.level == "school":
                add(3, "grade", g[0])
                add(2, "grade", g[3])
                for col in cadre.oversees:
                    add(3, "college", col)
                    pri = [k for k in classes_of[col] if k.priority]
                    if pri:
                        add(2, "class", r.choice(pri).class_id)
            elif cadre.unit in colleges:
                own = cadre.unit
                if cadre is dean:           # forbidden from his own college: asks for a neighbour
                    others = [c for c in colleges if COLLEGE_FIELD[c] != COLLEGE_FIELD[own] and c != own]
                    for col in r.sample(others, 3):
                        add(2, "college", col)
                else:
                    add(9, "college", own)
                    for m in majors_of[own]:
                        add(1.5, "major", m)
                    for k in r.sample(classes_of[own], 2):
                        add(2 if k.priority else 1, "class", k.class_id)
                add(0.8, "grade", r.choice(g))
                add(0.5, "college", r.choice(colleges))
            else:
                ex = set(cadre.expertise)
                if "心理健康" in ex:
                    for k in r.sample(tagged("心理关注"), 3):
                        add(3, "class", k.class_id)
                if "就业指导" in ex or "招生工作" in ex:
                    add(3, "grade", g[3])
                    for k in r.sample(tagged("毕业班"), 2):
                        add(1.5, "class", k.class_id)
                if "国际交流" in ex:
                    add(3, "college", "国际教育学院")
                    add(2, "college", "外国语学院")
                if "民族工作" in ex:
                    for k in r.sample(tagged("少数民族"), 3):
                        add(3, "class", k.class_id)
                if ex & {"教学管理", "学风建设", "课程建设"}:
                    for k in r.sample(tagged("学业预警"), 3):
                        add(2.5, "class", k.class_id)
                if ex & {"思想政治教育", "党建", "宣传", "网络思政"}:
                    add(2, "grade", g[0])
                    add(1.5, "college", "马克思主义学院")
                if ex & {"学生资助", "财务管理"}:
                    for k in r.sample(tagged("经济困难"), 2):
                        add(2.5, "class", k.class_id)
                if ex & {"社团指导", "志愿服务", "创新创业"}:
                    add(1.5, "grade", g[1])
                for col, tag in COLLEGE_FIELD.items():
                    if tag in ex:
                        add(2, "college", col)
                        add(1, "major", r.choice(majors_of[col]))
                add(1, "grade", r.choice(g[:3]))
                add(0.7, "college", r.choice(colleges))
                add(0.5, "class", r.choice(cls).class_id)
            n = r.choices([1, 2, 3, 5], weights=[1, 2, 6, 2])[0]
            picked: list[tuple[str, str]] = []
            pool = list(dict.fromkeys((k, v) for _, k, v in opts))
            weights = {}
            for w, k, v in opts:
                weights[(k, v)] = weights.get((k, v), 0) + w
            for k, v in _weighted_sample(r, pool, [weights[p] for p in pool], min(n, len(pool))):
                picked.append((k, v))
            for rank, (k, v) in enumerate(picked, start=1):
                self.prefs.append((cadre.cadre_id, rank, k, v))

    # ---------------------------------------------------------------- the assignment (by hand, before Yixian)
    def _matches(self, kind: str, value: str, k: Klass) -> bool:
        return ((kind == "class" and k.class_id == value) or (kind == "college" and k.college == value)
                or (kind == "major" and k.major == value) or (kind == "grade" and str(k.grade) == value))

    def _fit(self, cadre: Cadre, k: Klass) -> float:
        ex = set(cadre.expertise)
        s = 0.0
        s += 2.0 if k.priority else 0.0
        s += 1.5 * bool("心理健康" in ex and "心理关注" in k.tags)
        s += 1.5 * bool("就业指导" in ex and "毕业班" in k.tags)
        s += 1.5 * bool("民族工作" in ex and "少数民族" in k.tags)
        s += 1.5 * bool("国际交流" in ex and "国际学生" in k.tags)
        s += 1.0 * bool(ex & {"教学管理", "学风建设"} and "学业预警" in k.tags)
        s += 1.0 * bool(ex & {"学生资助"} and "经济困难" in k.tags)
        s += 1.0 * (cadre.discipline == k.discipline)
        s += 1.0 * (COLLEGE_FIELD.get(k.college) in ex)
        return s

    def build_assignment(self) -> None:
        r = self.rng
        by_id = {k.class_id: k for k in self.classes}
        cad_by_id = {c.cadre_id: c for c in self.cadres}
        forbid = {(c.cadre_id, k.class_id) for c, k in self.forbid_pairs}
        dean, dean_college = self.forbid_college
        prefs = defaultdict(list)
        for cid, rank, kind, value in self.prefs:
            prefs[cid].append((rank, kind, value))
        taken: dict[str, str] = {}            # class_id -> cadre_id
        held: dict[str, str] = {}             # cadre_id -> class_id
        n_college = Counter()
        n_school = Counter()

        def allowed(c: Cadre, k: Klass, ignore_quota_max=False) -> bool:
            if k.class_id in taken or (c.cadre_id, k.class_id) in forbid:
                return False
            if c is dean and k.college == dean_college:
                return False
            if c.level == "school" and n_school[k.college] >= 1:
                return False
            return ignore_quota_max or n_college[k.college] < self.quota_max.get(k.college, 10**6)

        def take(c: Cadre, k: Klass) -> None:
            taken[k.class_id] = c.cadre_id
            held[c.cadre_id] = k.class_id
            n_college[k.college] += 1
            n_school[k.college] += c.level == "school"

        def release(c: Cadre) -> Klass:
            k = by_id[held.pop(c.cadre_id)]
            del taken[k.class_id]
            n_college[k.college] -= 1
            n_school[k.college] -= c.level == "school"
            return k

        locked = set()
        for c, k, _ in self.locks:
            take(c, k)
            locked.add(c.cadre_id)
        order = [c for c in self.cadres if c.capacity > 0 and c.cadre_id not in locked]
        level_rank = {"school": 0, "head": 1, "deputy": 2}
        r.shuffle(order)
        order.sort(key=lambda c: level_rank[c.level])
        for c in order:
            choice = None
            for rank, kind, value in sorted(prefs[c.cadre_id]):
                cands = [k for k in self.classes if self._matches(kind, value, k) and allowed(c, k)]
                if cands:
                    best = max(self._fit(c, k) for k in cands)
                    choice = r.choice([k for k in cands if self._fit(c, k) >= best - 0.5])
                    break
            if choice is None:
                # no wish or no wish left: the office picks a class that suits, priority first
                cands = [k for k in self.classes if allowed(c, k)]
                best = max(self._fit(c, k) for k in cands)
                choice = r.choice([k for k in cands if self._fit(c, k) >= best - 0.5])
            take(c, choice)
        # quota minima: move cadres whose wish was not met into the short college
        for college, lo in self.quota_min.items():
            while n_college[college] < lo:
                movable = [c for c in order if c.level != "school" and not self._wish_met(c, held, prefs, by_id)]
                movable = [c for c in movable if n_college[by_id[held[c.cadre_id]].college] > self.quota_min.get(
                    by_id[held[c.cadre_id]].college, 0)]
                c = r.choice(movable)
                old = release(c)
                cands = [k for k in self.classes if k.college == college and allowed(c, k)]
                if not cands:
                    take(c, old)
                    raise RuntimeError(f"cannot fill quota of {college}")
                best = max(self._fit(c, k) for k in cands)
                take(c, r.choice([k for k in cands if self._fit(c, k) >= best - 0.5]))
        for c in self.cadres:
            if c.cadre_id in held:
                self.pairs.append(Pair(c.cadre_id, held[c.cadre_id], self.yr.start, None,
                                       locked=c.cadre_id in locked))
        self._held, self._taken, self._prefs, self._by_id = held, taken, prefs, by_id
        self._cad_by_id = cad_by_id
        self._forbid = forbid

    def _wish_met(self, c: Cadre, held, prefs, by_id) -> bool:
        k = by_id[held[c.cadre_id]]
        return any(self._matches(kind, value, k) for _, kind, value in prefs[c.cadre_id])

    def build_changes(self) -> None:
        """Mid-year changes: a reshuffle (swap of two advisers) and a hand-over chain."""
        r = self.rng
        by_id, held = self._by_id, self._held
        cad = self._cad_by_id
        locked = {p.cadre_id for p in self.pairs if p.locked}
        dean, dean_college = self.forbid_college
        pair_of = {p.cadre_id: p for p in self.pairs}

        def ok(c: Cadre, k: Klass) -> bool:
            return (c.cadre_id, k.class_id) not in self._forbid and not (c is dean and k.college == dean_college)

        middle = [c for c in self.cadres if c.cadre_id in held and c.level != "school" and c.cadre_id not in locked]
        # chain on 1 April: C moves to a class newly flagged 心理关注/学业预警 without adviser; D takes over C's class
        while True:
            c, d = r.sample(middle, 2)
            kc, kd = by_id[held[c.cadre_id]], by_id[held[d.cadre_id]]
            free = [k for k in self.classes if k.class_id not in self._taken and k.priority
                    and ("心理关注" in k.tags or "学业预警" in k.tags) and k.grade != self.yr.final_grade(k.major)
                    and k.college not in self.quota_max]
            new = r.choice(free)
            if kd.college in self.quota_min or kc.college == kd.college or not (ok(c, new) and ok(d, kc)):
                continue
            break
        cs = self.yr.change_start
        self._change(pair_of[c.cadre_id], new, cs - timedelta(days=1), cs)
        self._change(pair_of[d.cadre_id], kc, cs - timedelta(days=1), cs)
        self.chain = (c, d, kc, kd, new)
        # swap in spring week 7: two advisers exchange classes (工作调整)
        rest = [x for x in middle if x not in (c, d)]
        while True:
            a, b = r.sample(rest, 2)
            ka, kb = by_id[held[a.cadre_id]], by_id[held[b.cadre_id]]
            if ka.college != kb.college and ok(a, kb) and ok(b, ka):
                break
        ss = self.yr.swap_start
        self._change(pair_of[a.cadre_id], kb, ss - timedelta(days=1), ss)
        self._change(pair_of[b.cadre_id], ka, ss - timedelta(days=1), ss)
        self.swap = (a, b)
        del cad

    def _change(self, pair: Pair, new: Klass, end: date, start: date) -> None:
        pair.end = end
        self.pairs.append(Pair(pair.cadre_id, new.class_id, start, None, changed=True))

    # ---------------------------------------------------------------- exemptions
    def build_exemptions(self) -> None:
        r = self.rng
        involved = {p.cadre_id for p in self.pairs if p.locked or p.changed or p.end is not None}
        pool = [c for c in self.cadres if c.capacity > 0 and c.cadre_id not in involved and c.level != "school"]
        picks = r.sample(pool, 5)
        yr = self.yr
        s0, s1 = yr.start, yr.spring[1]

        def days(base: date, a: int, b: int) -> tuple[date, date]:
            return base + timedelta(days=a), base + timedelta(days=b)
        # offsets from a term's first Monday keep the weekdays of the 2025-2026 original
        self.exemptions = [
            (picks[0].cadre_id, s1, yr.end, f"出国访学（国家公派，{yr.spring[0]}整学期）"),
            (picks[1].cadre_id, *days(s0, 65, 67), "病假"),
            (picks[2].cadre_id, *days(s0, 35, 53), "公差：带队赴新疆开展对口支援调研"),
            (picks[3].cadre_id, *days(s0, 77, 102), "参加省委党校中青年干部培训班"),
            (picks[4].cadre_id, *days(s1, 70, 81), "病假（手术住院）"),
        ]
        # of the two deputies who take no class this round (带班数 0), one is on sick leave all year
        # (免予考核 in the reports); the other simply was not given a class (未带班)
        idle = [c for c in self.cadres if c.capacity == 0]
        self.exemptions.append((idle[0].cadre_id, yr.start, yr.end, "长期病休（本学年不带班）"))
        # the school leader's long trip is a real-world classic too, but kept off the locks

    # ---------------------------------------------------------------- ledger
    def build_ledger(self) -> None:
        r = self.rng
        yr = self.yr
        hol = _holidays(yr)
        by_id = self._by_id
        ex_days: dict[str, set[date]] = defaultdict(set)
        for cid, a, b, _ in self.exemptions:
            d = a
            while d <= b:
                ex_days[cid].add(d)
                d += timedelta(days=1)
        pairs_of = defaultdict(list)
        for p in self.pairs:
            pairs_of[p.cadre_id].append(p)

        def class_on(cid: str, d: date) -> str | None:
            for p in pairs_of[cid]:
                if p.start <= d and (p.end is None or d <= p.end):
                    return p.class_id
            return None

        weeks = _teaching_weeks(yr)
        months = sorted({(m.year, m.month) for _, _, m in weeks})
        term_weeks = defaultdict(list)
        for t, n, m in weeks:
            term_weeks[t].append(m)
        rows: list[dict] = []

        def emit(c: Cadre, d: date, typ: str, venue: str, students: int | None, minutes: int | None,
                 summary: str, other_class: str | None = None) -> None:
            rows.append({"cadre_id": c.cadre_id, "date": d, "type": typ, "venue": venue,
                         "class_id": other_class or class_on(c.cadre_id, d), "students": students,
                         "minutes": minutes, "summary": summary})

        for c in self.cadres:
            if c.cadre_id not in pairs_of:
                continue
            prof = c.profile
            venues = list(VENUES)
            if prof == "diligent" or (prof == "average" and r.random() < 0.3):
                repertoire = venues      # uses all nine venues over the year
            elif prof == "average":
                repertoire = ["班级", "课堂"] + r.sample([v for v in venues if v not in ("班级", "课堂")], r.randint(4, 6))
            else:
                repertoire = ["班级", "课堂"] + r.sample([v for v in venues if v not in ("班级", "课堂")], r.randint(1, 3))
            p_week = {"diligent": 0.96, "average": 0.85, "lagging": 0.55}[prof]
            p_extra = {"diligent": 0.7, "average": 0.4, "lagging": 0.1}[prof]
            p_online = {"diligent": 0.03, "average": 0.07, "lagging": 0.15}[prof]
            # a lagging cadre also has a stretch of busy weeks with nothing at all
            gap_start = r.randrange(len(weeks) - 6) if prof == "lagging" else -99
            gap = set(range(gap_start, gap_start + r.randint(3, 6))) if prof == "lagging" else set()

            def free_days(monday: date, days=range(5), cid=c.cadre_id) -> list[date]:
                out = []
                for i in days:
                    d = monday + timedelta(days=i)
                    if d not in hol and d not in ex_days[cid] and class_on(cid, d) and d <= yr.end:
                        out.append(d)
                return out

            def size_of(d: date, cid=c.cadre_id) -> int:
                return by_id[class_on(cid, d)].size

            def k_of(d: date, cid=c.cadre_id) -> Klass:
                return by_id[class_on(cid, d)]

            # weekly face-to-face
            for wi, (term, n, monday) in enumerate(weeks):
                days = free_days(monday)
                if not days or wi in gap:
                    continue
                holiday_week = any(monday + timedelta(days=i) in hol for i in range(5))
                quiet = {"diligent": 0.9, "average": 0.6, "lagging": 0.4}[prof]
                p = p_week * (quiet if holiday_week else 1.0) * (0.85 if n in (1, 18) else 1.0)
                if r.random() < p:
                    d = r.choice(days)
                    online = r.random() < p_online
                    venue = "网络" if online and "网络" in repertoire else r.choice(
                        [v for v in repertoire if v not in ("课堂", "讲座", "网络")] or ["班级"])
                    emit(c, d, "face_to_face", venue, *self._people(venue, size_of(d)),
                         self._summary("face_to_face", venue, k_of(d)))
                    if r.random() < p_extra:
                        d2 = r.choice(days)
                        v2 = r.choice([v for v in repertoire if v not in ("课堂", "网络")] + ["网络"] * ("网络" in repertoire))
                        emit(c, d2, "face_to_face", v2, *self._people(v2, size_of(d2)),
                             self._summary("face_to_face", v2, k_of(d2)))
            # monthly 听课 (never in 考试周, the last teaching weeks of a term)
            p_month = {"diligent": 0.97, "average": 0.8, "lagging": 0.45}[prof]
            for y, m in months:
                mweeks = [mon for _, n, mon in weeks if (mon.year, mon.month) == (y, m) and n <= WEEKS - EXAM_WEEKS]
                days = [d for mon in mweeks for d in free_days(mon)]
                if not days:
                    continue
                for _ in range(1 + (prof == "diligent" and r.random() < 0.5)):
                    if r.random() < p_month:
                        d = r.choice(days)
                        other = None
                        if r.random() < 0.04:    # sat in on a sister class of the same major
                            sisters = [k for k in self.classes if k.major == k_of(d).major
                                       and k.class_id != k_of(d).class_id]
                            other = r.choice(sisters).class_id if sisters else None
                        k = by_id[other] if other else k_of(d)
                        emit(c, d, "lecture_visit", "课堂", k.size - r.randint(0, 4), r.choice([45, 90, 90, 100]),
                             self._summary("lecture_visit", "课堂", k), other)
            # each term: 党课/思政课 and 集体活动/社会实践
            p_term = {"diligent": 1.0, "average": 0.9, "lagging": 0.6}[prof]
            for mondays in term_weeks.values():
                days = [d for mon in mondays[2:-2] for d in free_days(mon)]
                if not days:
                    continue
                if r.random() < p_term:
                    d = r.choice(days)
                    v = r.choice(["课堂", "班级", "讲座"] + (["网络"] if r.random() < 0.1 else []))
                    if v == "讲座" and "讲座" not in repertoire and prof != "diligent":
                        v = "班级"
                    emit(c, d, "party_lecture", v, size_of(d) - r.randint(0, 3) if v != "讲座" else
                         size_of(d) + r.randint(20, 120), r.choice([45, 90, 90, 100]),
                         self._summary("party_lecture", v, k_of(d), d))
                    if prof == "diligent" and r.random() < 0.4:
                        d = r.choice(days)
                        emit(c, d, "party_lecture", "班级", size_of(d) - r.randint(0, 3), 45,
                             self._summary("party_lecture", "班级", k_of(d), d))
                if r.random() < p_term:
                    wk = [d for mon in mondays[2:-2] for d in free_days(mon, range(7))]
                    d = r.choice(wk)
                    v = r.choice([x for x in ("活动现场", "社团", "早操", "班级") if x in repertoire] or ["活动现场"])
                    other = None
                    if r.random() < 0.05:       # a joint activity with a sister class
                        sisters = [k for k in self.classes if k.college == k_of(d).college
                                   and k.class_id != k_of(d).class_id]
                        other = r.choice(sisters).class_id
                    emit(c, d, "class_activity", v, *self._people(v, size_of(d), big=True),
                         self._summary("class_activity", v, k_of(d)), other)
            # annual report to the Party committee: January (winter vacation) or June
            p_rep = {"diligent": 1.0, "average": 0.9, "lagging": 0.55}[prof]
            if r.random() < p_rep:
                if r.random() < 0.5:
                    d = yr.autumn_end + timedelta(days=r.choice([2, 3, 4, 5, 9, 10]))
                else:
                    d = r.choice([x for mon in term_weeks[yr.spring[0]][13:17] for x in free_days(mon)]
                                 or [yr.autumn_end + timedelta(days=4)])
                if class_on(c.cadre_id, d) and d not in ex_days[c.cadre_id]:
                    emit(c, d, "report", "", None, r.choice([20, 30, 30, 45, 60]),
                         r.choice(["向校党委汇报联系班级学生工作情况", "年度述职中专题汇报担任班主任工作",
                                   "书面报告本学年联系学生情况及问题建议"]))
            # winter vacation: a few keep in touch online
            if r.random() < {"diligent": 0.5, "average": 0.15, "lagging": 0.03}[prof]:
                d = yr.autumn_end + timedelta(days=1 + r.randrange(45))
                if class_on(c.cadre_id, d) and d not in ex_days[c.cadre_id]:
                    t = r.choice(["face_to_face", "other"])
                    emit(c, d, t, "网络", r.randint(3, 15), r.choice([30, 40, 60]),
                         r.choice(["寒假期间线上了解学生返乡及实习情况", "寒假线上家访，关心家庭经济困难学生",
                                   "通过班级群开展寒假安全提醒"]))
            # long holidays: some look in on the students who stay on campus
            for hname, a, b in [h for *_, hols in yr.terms for h in hols]:
                p_h = {"diligent": 0.3, "average": 0.08, "lagging": 0.0}[prof]
                if (b - a).days >= 2 and r.random() < p_h:
                    d = a + timedelta(days=r.randint(1, (b - a).days))
                    if class_on(c.cadre_id, d) and d not in ex_days[c.cadre_id]:
                        v = r.choice(["宿舍", "食堂"])
                        emit(c, d, "face_to_face", v, r.randint(2, 6), r.choice([30, 45, 60]),
                             f"{hname}假期{'走访留校学生宿舍' if v == '宿舍' else '到食堂看望留校学生'}")
            # cadres who use all nine venues make sure each appears in the year
            if repertoire is venues:
                mine = [row for row in rows if row["cadre_id"] == c.cadre_id]
                have = {row["venue"] for row in mine}
                for v in VENUES:
                    if v in have:
                        continue
                    days = [d for _, _, mon in weeks for d in free_days(mon)]
                    d = r.choice(days)
                    typ = "other" if v in ("讲座", "网络") else "face_to_face"
                    emit(c, d, typ, v, *self._people(v, size_of(d)), self._summary(typ, v, k_of(d)))
        rows.sort(key=lambda x: (x["date"], x["cadre_id"], x["type"], x["venue"]))
        # activity ids: each cadre numbers their own ledger; about 8 % of rows come without a number
        seqs = Counter()
        for row in rows:
            seqs[row["cadre_id"]] += 1
            row["activity_id"] = "" if r.random() < 0.08 else f"{row['cadre_id']}-{seqs[row['cadre_id']]:03d}"
        self.ledger = rows

    def _people(self, venue: str, size: int, big: bool = False) -> tuple[int, int]:
        r = self.rng
        if venue == "宿舍":
            return r.randint(4, 8), r.choice([30, 40, 45, 60])
        if venue == "食堂":
            return r.randint(3, 10), r.choice([30, 40, 45])
        if venue == "网络":
            return r.randint(2, size), r.choice([20, 30, 45, 60])
        if venue == "社团":
            return r.randint(6, 25), r.choice([60, 90, 120])
        if venue == "早操":
            return max(1, size - r.randint(0, 8)), r.choice([30, 40])
        if venue == "讲座":
            return size + r.randint(10, 150), r.choice([60, 90, 120])
        if venue == "活动现场":
            return max(1, size - r.randint(0, 12)), r.choice([90, 120, 180, 240] if big else [60, 90, 120])
        if venue == "课堂":
            return max(1, size - r.randint(0, 5)), r.choice([45, 90])
        return max(1, size - r.randint(0, 6)), r.choice([40, 45, 60, 90] if not big else [90, 120, 180])

    def _summary(self, typ: str, venue: str, k: Klass, d: date | None = None) -> str:
        r = self.rng
        special = []
        if "新生班" in k.tags:
            special += ["了解新生入学适应情况", "与新生谈大学生活规划"]
        if "毕业班" in k.tags:
            special += ["了解毕业生就业与升学进展", "开展毕业生求职面试指导"]
        if "学业预警" in k.tags:
            special += ["与学业预警学生逐一谈心，制定帮扶计划"]
        if "心理关注" in k.tags:
            special += ["关注重点学生心理状态，与辅导员会商"]
        if "经济困难" in k.tags:
            special += ["走访家庭经济困难学生，了解资助落实情况"]
        if "国际学生" in k.tags:
            special += ["与留学生座谈，了解学习生活困难"]
        base = {
            "宿舍": ["到宿舍走访了解学生生活情况", "走访宿舍，检查安全隐患并与学生交流", "深入宿舍与学生谈心"],
            "食堂": ["与学生共进午餐，听取对食堂的意见", "在食堂与学生交流学习生活情况"],
            "班级": ["参加班会，与学生交流思想动态", "主持主题班会", "参加班委会，了解班级建设情况"],
            "社团": ["参加学生社团活动，指导社团建设", "与社团骨干座谈"],
            "早操": ["随班出早操，与学生交流", "检查早操出勤并与学生交流"],
            "网络": ["通过班级群在线答疑", "线上与学生交流学业规划", "网络班会"],
            "活动现场": ["到学生活动现场观摩并与学生交流", "参加班级志愿服务活动"],
            "讲座": ["为学生作专题讲座", "参加学生学术讲座并交流"],
            "课堂": ["与任课教师、学生交流课堂学习情况"],
        }
        if typ == "lecture_visit":
            return r.choice(["随堂听课，课后与任课教师交流", "听专业课并了解学生出勤情况", "听课并与学生交流学习方法",
                             "随堂听课，了解课堂教学秩序"])
        if typ == "party_lecture":
            return r.choice([f"为班级讲授党课：学习{plenum_topic(d or self.yr.start)}", "讲授形势与政策课",
                             "讲思政课：体育强国与青年担当", "讲党课：弘扬中华体育精神",
                             "讲授专题思政课：爱国主义与奋斗精神"])
        if typ == "class_activity":
            return r.choice(["参加班级集体活动：" + r.choice(["户外拓展", "志愿服务", "红色教育基地参观", "体育比赛",
                                                          "社会实践调研", "文艺联欢"]),
                             "与学生一起参加社会实践活动", "参加班级团日活动"])
        if special and r.random() < 0.35:
            return r.choice(special)
        return r.choice(base.get(venue, ["与学生交流"]))

    def build(self) -> _World:
        self.build_classes()
        self.build_cadres()
        self.flag_priority()
        self.build_constraints()
        self.build_preferences()
        self.build_assignment()
        self.build_changes()
        self.build_exemptions()
        self.build_ledger()
        return self


def _weighted_sample(r: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, drawn with probability proportional to weight (Efraimidis–Spirakis)."""
    keyed = sorted(((r.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True)
    return [items[i] for _, i in keyed[:k]]


# ============================================================================ canonical frames
def _ts(d: date | None):
    return pd.NaT if d is None else pd.Timestamp(d)


activity_id_for = activity_id


def _frames(w: _World) -> dict[str, pd.DataFrame]:
    cadres = pd.DataFrame([{
        "cadre_id": c.cadre_id, "name": c.name, "unit": c.unit, "position": c.position, "level": c.level,
        "expertise": tuple(c.expertise), "discipline": c.discipline, "capacity": c.capacity} for c in w.cadres],
        columns=CADRE_COLS)
    cadres["capacity"] = cadres["capacity"].astype("int64")
    classes = pd.DataFrame([{
        "class_id": k.class_id, "name": k.name, "college": k.college, "major": k.major, "discipline": k.discipline,
        "grade": k.grade, "size": k.size, "tags": tuple(k.tags), "priority": k.priority} for k in w.classes],
        columns=CLASS_COLS)
    classes = classes.astype({"grade": "int64", "size": "int64", "priority": "bool"})
    prefs = pd.DataFrame(w.prefs, columns=PREF_COLS).astype({"rank": "int64"})
    cons = pd.DataFrame([{col: row.get(col, None if col in ("min", "max") else "") for col in CONSTRAINT_COLS}
                         for row in w.constraints], columns=CONSTRAINT_COLS)
    cons["min"] = cons["min"].astype("Int64")
    cons["max"] = cons["max"].astype("Int64")
    by_id = {k.class_id: k for k in w.classes}
    cad = {c.cadre_id: c for c in w.cadres}
    prefs_of = defaultdict(list)
    for cid, rank, kind, value in w.prefs:
        prefs_of[cid].append((rank, kind, value))
    arows = []
    for p in sorted(w.pairs, key=lambda p: (p.cadre_id, p.start)):
        k = by_id[p.class_id]
        ranks = [rank for rank, kind, value in prefs_of[p.cadre_id] if w._matches(kind, value, k)]
        arows.append({"cadre_id": p.cadre_id, "name": cad[p.cadre_id].name, "class_id": k.class_id,
                      "class_name": k.name, "college": k.college, "score": float("nan"),
                      **{pc: float("nan") for pc in PART_COLS},
                      "preference_rank": min(ranks) if ranks else None, "locked": p.locked,
                      "changed": p.changed, "start": _ts(p.start), "end": _ts(p.end)})
    assignment = pd.DataFrame(arows, columns=ASSIGN_COLS)
    assignment = assignment.astype({"score": "float64", **{pc: "float64" for pc in PART_COLS},
                                    "preference_rank": "Int64", "locked": "bool", "changed": "bool",
                                    "start": "datetime64[ns]", "end": "datetime64[ns]"})
    previous = assignment.loc[assignment["end"].isna(), ["cadre_id", "class_id"]].reset_index(drop=True)
    lrows = []
    for row in w.ledger:
        class_id = row["class_id"] if row["_write_class"] else ""
        aid = row["activity_id"] or activity_id_for(row["cadre_id"], row["date"], row["type"], row["venue"],
                                                   class_id, row["summary"])
        lrows.append({"activity_id": aid, "cadre_id": row["cadre_id"], "date": pd.Timestamp(row["date"]),
                      "type": row["type"], "venue": row["venue"], "class_id": class_id,
                      "students": row["students"], "minutes": row["minutes"], "summary": row["summary"]})
    ledger = pd.DataFrame(lrows, columns=LEDGER_COLS)
    ledger = ledger.astype({"date": "datetime64[ns]", "students": "Int64", "minutes": "Int64"})
    exemptions = pd.DataFrame([{"cadre_id": c, "start": pd.Timestamp(a), "end": pd.Timestamp(b), "reason": why}
                               for c, a, b, why in w.exemptions], columns=EXEMPTION_COLS)
    exemptions = exemptions.astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})
    out = {"cadres": cadres, "classes": classes, "preferences": prefs, "constraints": cons,
           "assignment": assignment, "previous": previous, "ledger": ledger, "exemptions": exemptions}
    for df in out.values():
        # text columns are plain `object` with "" for empty (pandas 3 would infer StringDtype)
        for col in df.columns:
            if isinstance(df[col].dtype, pd.StringDtype):
                df[col] = df[col].astype(object)
    return out


def _world(seed: int, year: int | None = None, as_of: date | None = None) -> _World:
    as_of = demo_today() if as_of is None else as_of
    w = _World(seed, demo_year(as_of) if year is None else year).build()
    # the ledger file leaves class_id blank on ~15 % of rows ("the cadre's class that day");
    # decided here, from the same generator, so generate() and write() agree
    r = w.rng
    for row in w.ledger:
        row["_write_class"] = not (row["type"] != "report" and r.random() < 0.15
                                   and row["class_id"] == _class_on(w, row["cadre_id"], row["date"]))
    # a report has no class of its own
    # the ledger stops at the as-of date: drawn for the whole year (same random stream), then cut
    w.as_of = as_of
    w.ledger = [row for row in w.ledger if row["date"] <= as_of]
    return w


def _class_on(w: _World, cid: str, d: date) -> str | None:
    for p in w.pairs:
        if p.cadre_id == cid and p.start <= d and (p.end is None or d <= p.end):
            return p.class_id
    return None


def generate(seed: int = DEFAULT_SEED, year: int | None = None,
             as_of: date | None = None) -> dict[str, pd.DataFrame | str]:
    """The demo university as canonical DataFrames (docs/ARCHITECTURE.md) plus `calendar` (TOML text).

    `year` is the autumn's calendar year (2026 = 2026-2027学年); None = the academic year containing
    `as_of`. `as_of` is the last day of the ledger; None = today (`YIXIAN_DEMO_TODAY` overrides the
    clock). The same seed, year and as-of date give the same data.

    Keys: cadres, classes, preferences, constraints, assignment, previous, ledger, exemptions, calendar.
    As in the ledger file, class_id is "" on some rows (= the cadre's class that day), and rows
    without a number get the importer's deterministic `A…` id.
    """
    w = _world(seed, year, as_of)
    out: dict[str, pd.DataFrame | str] = dict(_frames(w))
    out["calendar"] = calendar_toml(w.yr.y)
    return out


# ============================================================================ writers
def _tags_text(r: random.Random, tags) -> str:
    return r.choices(["、", "；", ";", "，"], weights=[6, 2, 1, 1])[0].join(tags)


def _xlsx_bytes(wb) -> bytes:
    """Workbook → bytes that depend only on the content (fixed properties and zip timestamps)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "Yixian demo generator"
    wb.properties.lastModifiedBy = "Yixian demo generator"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()       # unlike save_workbook, leaves `modified` alone
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 9, 1, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return fixed.getvalue()


def _header_style(ws, row: int) -> None:
    from openpyxl.styles import Font
    for cell in ws[row]:
        cell.font = Font(bold=True)


def _cadres_xlsx(w: _World, frames) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    r = random.Random(w.seed * 31 + 1)
    wb = Workbook()
    ws = wb.active
    ws.title = "干部名单"
    headers = ["工号", "姓名", "单位", "职务", "层级", "专长", "学科", "带班数"]
    ws.append([f"{w.yr.y}年领导干部担任班主任名单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(headers)
    _header_style(ws, 2)
    for c in w.cadres:
        unit = c.unit + ("\u3000" if r.random() < 0.03 else "")   # stray full-width space, as typed in WPS
        cap = c.capacity if (c.capacity != 1 or r.random() < 0.8) else None   # blank = default 1
        ws.append([c.cadre_id, c.name, unit, c.position, LEVEL_ZH[c.level], _tags_text(r, c.expertise),
                   c.discipline, cap])
    for col, width in zip("ABCDEFGH", [12, 10, 22, 16, 10, 36, 8, 8]):
        ws.column_dimensions[col].width = width
    return _xlsx_bytes(wb)


def _classes_xlsx(w: _World) -> bytes:
    from openpyxl import Workbook
    r = random.Random(w.seed * 31 + 2)
    wb = Workbook()
    ws = wb.active
    ws.title = "班级名单"
    ws.append([])                    # a blank row above the header, as many offices leave it
    ws.append(["班级编号", "班级名称", "学院", "专业", "学科", "年级", "人数", "标签", "重点关注班级(priority)"])
    ws.cell(row=1, column=1, value=None)
    _header_style(ws, 2)
    for k in w.classes:
        pri = "是" if k.priority else ("否" if r.random() < 0.7 else None)
        ws.append([k.class_id, k.name, k.college, k.major, k.discipline, k.grade, k.size,
                   _tags_text(r, k.tags) or None, pri])
    for col, width in zip("ABCDEFGHI", [14, 30, 22, 22, 8, 8, 8, 28, 6]):
        ws.column_dimensions[col].width = width
    return _xlsx_bytes(wb)


def _constraints_xlsx(w: _World) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "约束"
    zh = {"type": "类型", "cadre_id": "工号", "class_id": "班级编号", "college": "学院", "level": "层级",
          "min": "下限", "max": "上限", "reason": "原因"}
    ws.append([f"{zh[c]}({c})" for c in CONSTRAINT_COLS])     # the `中文(id)` header form
    _header_style(ws, 1)
    for row in w.constraints:
        vals = []
        for col in CONSTRAINT_COLS:
            v = row.get(col)
            if col == "type":
                v = TYPE_ZH[v]
            elif col == "level" and v:
                v = LEVEL_ZH[v]
            vals.append(v if v not in ("",) else None)
        ws.append(vals)
    for col, width in zip("ABCDEFGH", [12, 12, 14, 22, 10, 6, 6, 48]):
        ws.column_dimensions[col].width = width
    return _xlsx_bytes(wb)


def _csv_text(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n")     # what Excel writes
    wr.writerow(header)
    for row in rows:
        wr.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def _date_text(r: random.Random, d: date, weights=(8, 1, 1)) -> str:
    form = r.choices(["iso", "slash", "zh"], weights=weights)[0]
    if form == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if form == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def files(seed: int = DEFAULT_SEED, year: int | None = None, as_of: date | None = None) -> dict[str, bytes]:
    """Every demo file, name → bytes (what `write` puts on disk); `year`, `as_of` as in generate()."""
    w = _world(seed, year, as_of)
    frames = _frames(w)
    out: dict[str, bytes] = {}
    out["cadres.xlsx"] = _cadres_xlsx(w, frames)
    out["classes.xlsx"] = _classes_xlsx(w)
    out["constraints.xlsx"] = _constraints_xlsx(w)
    out["preferences.csv"] = _csv_text(["工号", "意向顺序(rank)", "类型", "意向"],
                                       [[c, rank, KIND_ZH[k], v] for c, rank, k, v in w.prefs]).encode("utf-8-sig")
    out["calendar.toml"] = calendar_toml(w.yr.y).encode("utf-8")
    a = frames["assignment"]
    arows = []
    for row in a.itertuples(index=False):
        arows.append([row.cadre_id, row.name, row.class_id, row.class_name, row.college,
                      "" if pd.isna(row.preference_rank) else int(row.preference_rank),
                      "是" if row.locked else "否", "是" if row.changed else "否",
                      row.start.date().isoformat(), "" if pd.isna(row.end) else row.end.date().isoformat()])
    out["assignment.csv"] = _csv_text(["cadre_id", "name", "class_id", "class_name", "college", "preference_rank",
                                       "locked", "changed", "start", "end"], arows).encode("utf-8")
    out["previous.csv"] = _csv_text(["cadre_id", "class_id"],
                                    frames["previous"].values.tolist()).encode("utf-8")
    r = random.Random(w.seed * 31 + 3)
    # exemptions come from the personnel office's Excel on Windows: GB18030, dates in several forms
    out["exemptions.csv"] = _csv_text(EXEMPTION_COLS, [
        [c, _date_text(r, a_, (1, 1, 1)), _date_text(r, b, (1, 1, 1)), why] for c, a_, b, why in w.exemptions
    ]).encode("gb18030")
    # ledger: merged from cadres' own sheets; a few cadres write dates as 2026/9/8
    slash_cadres = {c.cadre_id for c in w.cadres if r.random() < 0.12}
    lrows = []
    for row in w.ledger:
        d = row["date"]
        dtext = f"{d.year}/{d.month}/{d.day}" if row["cadre_id"] in slash_cadres else d.isoformat()
        lrows.append([row["activity_id"], row["cadre_id"], dtext, ACT_ZH[row["type"]], row["venue"],
                      row["class_id"] if row["_write_class"] else "", row["students"], row["minutes"],
                      row["summary"]])
    out["ledger.csv"] = _csv_text(["编号", "工号", "日期", "类型", "场所", "班级编号", "学生人数", "时长", "内容"],
                                  lrows).encode("utf-8")
    out["README.md"] = _readme(w, frames).encode("utf-8")
    out[GENERATED] = (f"# 演示数据的生成参数 (data/demo_year.py generated_on_disk): 台账截至 as_of\n"
                      f"seed = {w.seed}\nyear = {w.yr.y}\nas_of = {w.as_of.isoformat()}\n").encode()
    return out


def _readme(w: _World, frames) -> str:
    cl = frames["classes"]
    cad = frames["cadres"]
    n_tag = Counter(t for tags in cl["tags"] for t in tags)
    lv = Counter(cad["level"])
    prof = Counter(c.profile for c in w.cadres if c.capacity > 0)
    n_con = Counter(row["type"] for row in w.constraints)
    c, d, kc, kd, new = w.chain
    a, b = w.swap
    yr = w.yr
    (t1, s1, n1, _), (t2, _, n2, _) = yr.terms
    g_lo, g_hi = int(cl["grade"].min()), int(cl["grade"].max())
    return f"""# 演示大学 Demo university (invented, demo only)

**所有人员、工号、班级均为虚构，仅供演示；请勿用于真实工作。**
Every person, staff number and class here is invented (random surname + given-name
combinations); any resemblance to real people is coincidental. Do not use for real work.

Generated by `python -m data.generate_demo --seed {w.seed} --year {yr.y} --today {w.as_of}` — the same seed,
year and as-of date always give byte-identical files (`random.Random(seed)`; xlsx properties and zip
times fixed). Only the default as-of date reads the clock (`YIXIAN_DEMO_TODAY` or `--today` overrides
it); the ledger stops at it (no activity after the day the demo was made), and `generated.toml`
records it. `python -m store.bootstrap` regenerates the demo for the day it runs.
The world is modelled on the 2021 policy bulletin in which 北京体育大学 put 123 leading cadres
into classes: a comprehensive university with a sports flavour, school year {yr.label}
(the academic year containing the day it was generated; `--year` / `--today` pick another).

| file | what | form (deliberately mixed, as real offices send them) |
|---|---|---|
| `cadres.xlsx` | {len(cad)} cadres: {', '.join(f'{lv[k]} {LEVEL_ZH[k]}' for k in LEVEL_ZH)} ({(cad['capacity'] == 0).sum()} on long leave, 带班数 0) | sheet 干部名单, merged title row, Chinese headers, 带班数 sometimes blank (=1), tags split by 、 ； ; ，|
| `classes.xlsx` | {len(cl)} classes, grades {g_lo}–{g_hi} (临床医学 is a five-year programme), {cl['college'].nunique()} colleges, {cl['major'].nunique()} majors | sheet 班级名单, blank row above the header, 重点关注班级 as 是/否/blank |
| `preferences.csv` | ranked wishes of {frames['preferences']['cadre_id'].nunique()} cadres ({len(frames['preferences'])} rows) | UTF-8 with BOM, Chinese headers (意向顺序, 类型, 意向) and kinds (班级/学院/专业/年级) |
| `constraints.xlsx` | {n_con['forbid']} 回避, {n_con['lock']} 锁定, {n_con['college_quota']} 学院名额, {n_con['level_cap']} 层级上限 (每个学院最多1名校领导, one row per college), each with its reason | `中文(id)` headers |
| `calendar.toml` | {t1} and {t2}, {n1} and {n2} teaching weeks, public holidays (the last two weeks of a term are 考试周) | TOML |
| `assignment.csv` | the assignment in force (made by hand before Yixian), with start/end dates | UTF-8, English ids, 是/否 |
| `previous.csv` | pairs in force at the end of the year, for next round's continuity | UTF-8 |
| `exemptions.csv` | {len(w.exemptions)} leaves / business trips (one of 3 days, one a whole term, one the whole year: a cadre without a class who is 免予考核; the other cadre with 带班数 0 shows as 未带班) | **GB18030**, dates as {s1.isoformat()}, {s1.year}/{s1.month}/{s1.day} and {s1.year}年{s1.month}月{s1.day}日 |
| `ledger.csv` | {len(w.ledger)} activities, {yr.start} … {min(w.as_of, yr.end)} (as of {w.as_of}) | UTF-8, Chinese headers and type names, some dates as {s1.year}/{s1.month}/{s1.day}, some 编号 and 班级编号 blank |

Tags: {', '.join(f'{t} {n}' for t, n in sorted(n_tag.items(), key=lambda x: -x[1]))}; 重点关注班级 {int(cl['priority'].sum())}.

Stories in the data:
- Ledger behaviour of the {sum(prof.values())} advising cadres: {prof['diligent']} diligent (face to face nearly every
  teaching week, monthly 听课, all nine venues), {prof['average']} average, {prof['lagging']} lagging (missed
  weeks and a stretch of several weeks with nothing, few venues). Holiday weeks are quieter; a
  few cadres keep in touch online over the winter vacation; reports to the Party committee fall
  in January or June; a few activities name a sister class.
- Mid-year changes: from {yr.change_start} {c.name} ({c.cadre_id}) moves from {kc.name} to {new.name} (newly in need),
  and {d.name} ({d.cadre_id}) takes over {kc.name} (leaving {kd.name}); from {yr.swap_start} {a.name} ({a.cadre_id})
  and {b.name} ({b.cadre_id}) exchange classes.
- No activity is recorded on an exemption day or after an adviser's row ends.

Regenerate: `python -m data.generate_demo` (or `make demo-data`). In memory:
`from data.generate_demo import generate; frames = generate(2025, year={yr.y}, as_of=date({w.as_of.year}, {w.as_of.month}, {w.as_of.day}))`.
Expertise tags use the words of the matching affinity table (matching/default_config.toml), e.g. 学生资助.
"""


def write(out: Path | str = DEFAULT_OUT, seed: int = DEFAULT_SEED, year: int | None = None,
          as_of: date | None = None) -> dict[str, Path]:
    """Write every demo file into `out` (created if needed); all files are built before any is written."""
    content = files(seed, year, as_of)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, data in content.items():
        path = out / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written[name] = path
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data.generate_demo",
                                 description="生成演示大学数据 / write the deterministic demo university")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default data/demo)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 2025)")
    ap.add_argument("--year", type=int, help="academic year by its autumn, e.g. 2026 = 2026-2027 "
                    "(default: the one containing --today)")
    ap.add_argument("--today", type=date.fromisoformat,
                    help="YYYY-MM-DD: the ledger's last day, and the year when --year is not given "
                         "(default: YIXIAN_DEMO_TODAY, else the clock)")
    args = ap.parse_args(argv)
    as_of = args.today or demo_today()
    year = args.year if args.year is not None else demo_year(as_of)
    written = write(args.out, args.seed, year, as_of)
    print(f"{year}-{year + 1}学年 / academic year {year}-{year + 1}; 台账截至 ledger as of {as_of}")
    for path in written.values():
        print(f"{path}  {path.stat().st_size:>9,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
