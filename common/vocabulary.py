"""The one vocabulary: every enumerated value the app stores, with its Chinese and English label.

Every layer reads these tables — the importer's schema (accepted spellings), the solver's rule
labels, the compliance engine, services, pages and the demo generator. Changing a label is a
one-line change here. Stored codes never change; labels may.

A table is an ordered mapping code → `Term`; order is display order (for levels: protocol order).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    aliases: tuple[str, ...] = ()   # further spellings the importer accepts (besides code, zh, en)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling an imported file may use, the stored label first."""
        return (self.zh, *self.aliases)


Vocab = dict[str, Term]


def label(table: Vocab, code, lang: str = "zh") -> str:
    """The label of `code` in `lang`; an unknown code is shown as it is (never raises)."""
    term = table.get(code) if isinstance(code, str) else None
    return term.label(lang) if term else ("" if code is None else str(code))


def labels(table: Vocab, lang: str = "zh") -> dict[str, str]:
    """code → label in `lang`, in display order."""
    return {code: t.label(lang) for code, t in table.items()}


# --- people ---------------------------------------------------------------------------------
LEVELS: Vocab = {
    "school": Term("校领导", "School leader"),
    "head": Term("中层正职", "Middle-level head"),
    "deputy": Term("中层副职", "Middle-level deputy"),
}
LEVEL_ORDER = tuple(LEVELS)

ROLES: Vocab = {
    "admin": Term("组织部管理员", "Organization dept. (admin)"),
    "leader": Term("校领导", "Leader"),
    "planner": Term("规划人员", "Planner"),
    "college": Term("院系", "College"),
    "cadre": Term("干部", "Cadre"),
}

# --- assignment rules -----------------------------------------------------------------------
CONSTRAINT_TYPES: Vocab = {
    "forbid": Term("回避", "Forbid"),
    "lock": Term("锁定", "Lock"),
    "college_quota": Term("学院名额", "College quota"),
    "level_cap": Term("层级上限", "Level cap"),
}

PREFERENCE_KINDS: Vocab = {
    "class": Term("班级", "Class"),
    "college": Term("学院", "College"),
    "major": Term("专业", "Major"),
    "grade": Term("年级", "Grade"),
}

# --- ledger ---------------------------------------------------------------------------------
ACTIVITY_TYPES: Vocab = {
    "party_lecture": Term("党课/思政课", "Party/ideology lecture", ("党课", "思政课")),
    "class_activity": Term("集体活动/社会实践", "Class activity/social practice", ("集体活动", "社会实践")),
    "lecture_visit": Term("听课", "Lecture visit"),
    "face_to_face": Term("面对面交流", "Face-to-face", ("面对面",)),
    "report": Term("向党委汇报", "Report to the Party committee", ("汇报",)),
    "other": Term("其他", "Other"),
}

# Venues are stored as their Chinese name (docs/ARCHITECTURE.md); the alias is the English code.
VENUES: Vocab = {
    "课堂": Term("课堂", "Classroom", ("classroom",)),
    "班级": Term("班级", "Class", ("class",)),
    "宿舍": Term("宿舍", "Dormitory", ("dormitory",)),
    "食堂": Term("食堂", "Canteen", ("canteen",)),
    "社团": Term("社团", "Student society", ("society",)),
    "讲座": Term("讲座", "Lecture", ("lecture",)),
    "早操": Term("早操", "Morning exercise", ("morning_exercise",)),
    "网络": Term("网络", "Online", ("online",)),
    "活动现场": Term("活动现场", "Activity site", ("activity_site",)),
}

# --- programmes: years of study (a class graduates after its last one; the year roll-over) ----
DEFAULT_PROGRAMME_YEARS = 4
PROGRAMME_YEARS: dict[str, int] = {"临床医学": 5}          # majors whose programme is not four years

# --- compliance -----------------------------------------------------------------------------
COMPLIANCE_STATUSES: Vocab = {
    "met": Term("达标", "Met"),
    "pending": Term("进行中", "In progress"),
    "missed": Term("未达标", "Missed"),
    "exempt": Term("免予考核", "Exempt"),
}
# a cadre's standing for a period (dashboard, drill-down, home; the annual report's conclusions agree)
CADRE_STATES: Vocab = {
    "on_track": Term("履职正常", "On track"),
    "off_track": Term("需关注", "Needs attention"),
    "unassigned": Term("未带班", "No class"),
    "exempt": Term("免予考核", "Exempt"),
}
STATUS_COLORS = {"met": "#2e7d32", "pending": "#f9a825", "missed": "#c62828", "exempt": "#9e9e9e"}

PERIOD_KINDS: Vocab = {
    "week": Term("教学周", "Teaching week"),
    "month": Term("月", "Month"),
    "term": Term("学期", "Term"),
    "year": Term("学年", "School year"),
}

# --- solve parameters (same wording on the Rounds and Scenarios pages) -----------------------
OBJECTIVES: Vocab = {
    "total": Term("总匹配度最高", "Highest total fit"),
    "fair": Term("兼顾公平（先保最差者）", "Fair first"),
    "min_change": Term("尽量少调整", "Fewest changes"),
}
PRIORITY_MODES: Vocab = {
    "hard": Term("必须有班主任", "Must be covered"),
    "weighted": Term("优先（加分）", "Preferred (bonus)"),
    "off": Term("不特殊处理", "No special treatment"),
}
OWN_UNIT_RULES: Vocab = {
    "neutral": Term("不影响", "No effect"),
    "prefer": Term("优先本单位", "Prefer own college"),
    "forbid": Term("回避本单位", "Never own college"),
}
WEIGHTS: Vocab = {
    "expertise": Term("专长", "Expertise"),
    "unit": Term("工作领域（单位）", "Unit"),
    "discipline": Term("学科", "Discipline"),
    "preference": Term("意向", "Preference"),
    "continuity": Term("连续性", "Continuity"),
    "own_unit": Term("本单位", "Own unit"),
    "priority_bonus": Term("重点关注班级加分", "Priority bonus"),
    "change_penalty": Term("调整代价", "Change penalty"),
}
SCORE_PARTS: Vocab = {   # the assignment's part_* columns
    "part_expertise": Term("专长分", "Expertise"),
    "part_unit": Term("单位分", "Unit fit"),
    "part_discipline": Term("学科分", "Discipline"),
    "part_preference": Term("意向分", "Preference"),
    "part_continuity": Term("连续性分", "Continuity"),
    "part_own_unit": Term("本单位分", "Own unit"),
}

# --- rounds and solves ----------------------------------------------------------------------
ROUND_STATUSES: Vocab = {
    "draft": Term("草稿", "Draft"),
    "published": Term("已发布", "Published"),
    "archived": Term("已归档", "Archived"),
}

SOLVER_STATUSES: Vocab = {
    "optimal": Term("最优", "Optimal"),
    "feasible": Term("可行（未证最优）", "Feasible (not proven optimal)"),
    "infeasible": Term("无可行解", "Infeasible"),
    "cancelled": Term("已取消", "Cancelled"),
    "published": Term("已发布", "Published"),
    "hand_made": Term("手工分配，已按全部规则核对（非求解）", "Hand-made, checked against every rule (not solved)"),
}
SOLVED = frozenset({"optimal", "feasible"})   # statuses that carry an assignment


def is_solved(status) -> bool:
    return status in SOLVED

ROUND_RESULTS: Vocab = {   # what a round's result can say (a solver status, or a hand-made import)
    **SOLVER_STATUSES,
    "imported": Term("导入（手工分配）", "Imported (hand-made)"),
    "error": Term("出错", "Error"),
}

# Round-level rules a diagnosis can name (matching's rule ref {"kind": "round", "name": ...}).
ROUND_RULES: Vocab = {
    "capacity": Term("每名干部带班数（干部名单“带班数”列）", "each cadre's capacity (cadres file)"),
    "priority": Term("重点关注班级必须有班主任（参数“重点关注班级”）", "every priority class gets an adviser (parameter)"),
    "change_budget": Term("调整数量上限（参数“调整上限”）", "change budget (parameter)"),
    "supply": Term("干部与班级的数量（名单数据）", "the numbers of cadres and classes (rosters)"),
    "own_unit": Term("本单位回避（参数“本单位规则”）", "own-unit rule (parameter)"),
}

ROUND_KINDS: Vocab = {
    "initial": Term("新一轮", "New round"),
    "topup": Term("补充轮", "Top-up round"),
    "scenario": Term("情景", "Scenario"),
}

ROUND_PARAMS: Vocab = {   # a round's parameters, as its history lists them
    "objective": Term("目标", "Objective"),
    "priority": Term("重点关注班级", "Priority classes"),
    "own_unit": Term("本单位规则", "Own-unit rule"),
    "change_budget": Term("调整上限", "Change budget"),
    "time_limit_s": Term("求解时限（秒）", "Time limit (s)"),
    "seed": Term("随机种子", "Seed"),
    "use_previous": Term("参考上轮结果", "Use previous round"),
    "revision": Term("修订号", "Revision"),
    "revision_of": Term("修改自", "Revision of"),
    "revision_note": Term("修改说明", "Revision note"),
    "scenario_name": Term("来自情景", "From scenario"),
}

ROUND_EVENTS: Vocab = {   # a round's audit actions, as its history says them
    "create": Term("创建", "Created"),
    "save_result": Term("保存求解结果", "Result saved"),
    "publish": Term("发布", "Published"),
    "archive": Term("归档", "Archived"),
}

# --- data files (the Data page's kinds, formats.md) ------------------------------------------
DATA_KINDS: Vocab = {
    "cadres": Term("干部名单", "Cadres"),
    "classes": Term("班级名单", "Classes"),
    "preferences": Term("意向", "Preferences"),
    "constraints": Term("约束", "Rules"),
    "scores": Term("外部评分", "Scores"),
    "previous": Term("上轮结果", "Previous"),
    "assignment": Term("分配结果（现行）", "Assignment in force"),
    "ledger": Term("工作台账", "Ledger"),
    "exemptions": Term("请假/公差", "Exemptions"),
    "calendar": Term("校历", "Calendar"),
}

# --- cadres in the app (issue 14) -----------------------------------------------------------
REVIEW_STATUSES: Vocab = {           # where a ledger entry stands in the college's check
    "pending": Term("待确认", "Awaiting confirmation"),
    "confirmed": Term("已确认", "Confirmed"),
    "returned": Term("已退回", "Returned"),
    "withdrawn": Term("已撤回", "Withdrawn"),
}

CONFLICT_KINDS: Vocab = {            # 亲属/利益回避 a cadre declares with their wishes
    "class": Term("班级", "Class"),
    "college": Term("学院", "College"),
}

# --- fit model (人岗相宜) ---------------------------------------------------------------------
FIT_WORD_KINDS: Vocab = {
    "expertise": Term("专长", "expertise"),
    "unit": Term("单位", "unit"),
    "tag": Term("班级标签", "class tag"),
}

# --- audit log (the admin's viewer shows each entry in words) --------------------------------
AUDIT_ACTIONS: Vocab = {
    "create": Term("新建", "created"), "update": Term("修改", "changed"), "delete": Term("删除", "deleted"),
    "replace": Term("整表替换", "replaced"), "upsert": Term("写入", "wrote"), "import": Term("批量导入", "imported"),
    "publish": Term("发布", "published"), "archive": Term("归档", "archived"), "discard": Term("作废", "discarded"),
    "save_result": Term("保存求解结果", "saved a solve result"), "revise": Term("修订", "revised"),
    "login": Term("登录", "logged in"), "login_failed": Term("登录失败", "failed to log in"),
    "logout": Term("退出登录", "logged out"), "lockout": Term("账号锁定", "account locked"),
    "unlock": Term("解除锁定", "unlocked"), "provision": Term("批量开通账号", "provisioned accounts"),
    "set_active": Term("启用/停用账号", "activated/deactivated"), "sessions_ended": Term("结束会话", "ended sessions"),
    "session_start": Term("会话开始", "session started"), "session_expired": Term("会话过期", "session expired"),
    "sso_refused": Term("统一认证被拒", "single sign-on refused"), "rehash_password": Term("密码重新散列", "password rehashed"),
    "access_denied": Term("越权访问被拒", "access refused"), "open": Term("开启", "opened"),
    "deadline": Term("修改截止时间", "changed the deadline"), "answer": Term("提交", "answered"),
    "acknowledge": Term("确认知晓", "acknowledged"), "attach": Term("上传附件", "attached a file"),
    "resubmit": Term("重新提交", "resubmitted"), "confirm": Term("确认", "confirmed"),
    "return": Term("退回", "returned"), "withdraw": Term("撤回", "withdrew"),
    "export": Term("导出", "exported"), "download": Term("下载", "downloaded"),
    "set_settings": Term("修改设置", "changed settings"),
    "rollover": Term("学年换届", "rolled the school year over"),
}

DOWNLOADS: Vocab = {                 # files of personal data a user downloads (each one is an audit entry)
    "official_list": Term("领导干部担任班主任名单", "official list"),
    "publicity_list": Term("公示名单", "publicity list"),
    "assignment_file": Term("分配结果数据文件", "assignment data file"),
    "annual_report": Term("年度履职报告", "annual report"),
    "reminders": Term("本周提醒名单", "reminder list"),
    "wish_reminders": Term("意向征集催办名单", "wish reminder list"),
    "ledger_table": Term("台账明细", "ledger table"),
    "confirm_table": Term("台账确认表", "ledger review table"),
    "review_table": Term("分配审核表", "review table"),
    "coverage_cadres": Term("干部履职明细", "cadres' compliance table"),
    "cadre_activities": Term("干部台账活动", "a cadre's activities"),
    "initial_passwords": Term("初始密码", "one-time passwords"),
    "attachment": Term("附件", "attachment"),       # a ledger entry's evidence file
}

AUDIT_ENTITIES: Vocab = {
    **DATA_KINDS,
    **DOWNLOADS,
    "round": Term("分配轮次", "round"), "scenario": Term("情景", "scenario"), "user": Term("账号", "account"),
    "session": Term("会话", "session"), "security": Term("安全事件", "security event"),
    "ledger_review": Term("台账审核", "ledger review"), "attachment": Term("附件", "attachment"),
    "wishes": Term("意向", "wishes"), "wish_collection": Term("意向征集", "wish collection"),
    "acknowledgement": Term("分配确认", "acknowledgement"), "fit_model": Term("匹配模型", "fit model"),
    "app_secret": Term("应用密钥", "app secret"), "requirements": Term("工作要求", "requirements"),
    "audit_log": Term("审计日志", "audit log"),
}


# --- what charts and tables show (issue 17) --------------------------------------------------
COVERAGE_STATES: Vocab = {           # a class in a coverage chart
    "covered_priority": Term("已覆盖·重点关注班级", "Covered · priority"),
    "covered": Term("已覆盖", "Covered"),
    "uncovered_priority": Term("未覆盖·重点关注班级", "Uncovered · priority"),
    "uncovered": Term("未覆盖", "Uncovered"),
}
WISH_BUCKETS: Vocab = {              # which wish a pair or a cadre got (第N意向 is built by wish_rank)
    "rank4plus": Term("第4意向及以后", "4th wish or later"),
    "no_match": Term("未对应意向", "No wish matched"),
    "unmet": Term("意向未满足", "Wishes not met"),
    "no_wish": Term("无意向", "No wishes"),
}


def wish_rank(rank: int, lang: str = "zh") -> str:
    if lang == "zh":
        return f"第{rank}意向"
    return f"{rank}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(rank if rank < 20 else rank % 10, 'th')} wish"


def relabel(table: Vocab, text, lang: str = "zh") -> str:
    """A value a frame carries as code or as Chinese label, shown in `lang` (unknown text unchanged)."""
    if not isinstance(text, str):
        return "" if text is None else str(text)
    if text in table:
        return table[text].label(lang)
    for term in table.values():
        if text in term.spellings:
            return term.label(lang)
    if table is WISH_BUCKETS and text.startswith("第") and text.endswith("意向") and text[1:-2].isdigit():
        return wish_rank(int(text[1:-2]), lang)
    return text



# --- protocol order of school leaders (书记, 校长, 副书记, 副校长, …), read from the position text ---
_PROTOCOL = (("党委书记", "书记"), ("校长",), ("常务副书记",), ("副书记",), ("常务副校长",), ("纪委书记",),
             ("副校长",), ("总会计师",), ("校长助理",))


def protocol_rank(position) -> int:
    """Where a position stands in protocol order (lower first); unknown positions after the known ones."""
    text = str(position or "").replace(" ", "")
    for rank, names in enumerate(_PROTOCOL):
        for name in names:
            if name not in text:
                continue
            # 书记 matches 副书记 and 纪委书记 by text: only the plain one counts as 书记
            if names[0] == "党委书记" and ("副书记" in text or "纪委" in text):
                break
            if names[0] == "校长" and ("副校长" in text or "校长助理" in text):
                break
            if names[0] == "副书记" and "常务" in text:
                break
            if names[0] == "副校长" and "常务" in text:
                break
            return rank
    return len(_PROTOCOL)
