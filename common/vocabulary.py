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


# --- the audit log in words (issues 17/18): every key an entry's before/after carries, and the
# codes among its values. Data columns (cadre_id, class_id, …) take their labels from
# importer.schema (services.audit_view merges them); these are the keys that are not columns.
AUDIT_ACTIONS.update({
    "reset_password": Term("重置密码", "reset the password"), "set_password": Term("修改密码", "changed the password"),
    "save": Term("保存", "saved"), "confirmed": Term("确认台账", "confirmed an entry"),
    "returned": Term("退回台账", "returned an entry"), "withdrawn": Term("撤回台账", "withdrew an entry"),
    "pending": Term("待确认", "marked pending"), "login_throttled": Term("登录尝试过多被限制", "login throttled"),
    "sso_failed": Term("统一认证失败", "single sign-on failed"),
})
AUDIT_ENTITIES.update({"settings": Term("系统设置", "settings")})

AUDIT_FIELDS: Vocab = {
    # accounts, sign-in and sessions
    "username": Term("用户名", "Username"), "display_name": Term("显示名称", "Display name"),
    "role": Term("角色", "Role"), "college": Term("学院", "College"), "active": Term("启用", "Active"),
    "sso_id": Term("统一认证账号", "Campus ID"), "must_change_password": Term("须修改密码", "Must change password"),
    "via": Term("方式", "Via"), "client": Term("客户端", "Client"), "expires_at": Term("到期时间", "Expires at"),
    "sessions": Term("会话数", "Sessions"), "locked_until": Term("锁定至", "Locked until"),
    "failures": Term("连续失败次数", "Failures in a row"), "lockouts": Term("锁定次数", "Lockouts"),
    "failed_logins": Term("登录失败次数", "Failed logins"), "reason": Term("原因", "Reason"),
    "action": Term("操作", "Action"),
    # rounds and their results
    "name": Term("名称", "Name"), "kind": Term("类型", "Kind"), "status": Term("状态", "Status"),
    "parent_id": Term("上一轮次", "Parent round"), "effective_date": Term("生效日期", "Effective date"),
    "published_by": Term("发布人", "Published by"), "published_at": Term("发布时间", "Published at"),
    "archived_by": Term("归档人", "Archived by"), "archived_at": Term("归档时间", "Archived at"),
    "parameters": Term("参数", "Parameters"), "inputs": Term("输入数据", "Inputs"),
    "closed": Term("结束的分配", "Pairs ended"), "n_assignments": Term("分配数", "Assignments"),
    "replaced_by": Term("由轮次替代", "Replaced by round"), "result": Term("结果", "Result"),
    "round_id": Term("轮次", "Round"), "end_before": Term("原结束日期", "End before"),
    "end_after": Term("新结束日期", "End after"), "source": Term("来源", "Source"), "pairs": Term("配对", "Pairs"),
    "objective_mode": Term("目标", "Objective"), "objective": Term("目标", "Objective"),
    "objective_value": Term("目标值", "Objective value"), "objective_exact": Term("目标值（精确）", "Objective value (exact)"), "bound": Term("上界", "Bound"),
    "seconds": Term("用时（秒）", "Seconds"), "scale": Term("计分倍数", "Scale"),
    "pairs_total": Term("候选配对", "Candidate pairs"), "pairs_pruned": Term("剪除的配对", "Pairs pruned"),
    "lp_integral": Term("线性松弛即整数解", "LP relaxation integral"), "lp_rounds": Term("线性松弛轮数", "LP rounds"),
    "total_fit": Term("总匹配度", "Total fit"), "coverage": Term("覆盖", "Coverage"),
    "classes": Term("班级数", "Classes"), "classes_covered": Term("已覆盖班级", "Classes covered"),
    "students": Term("学生数", "Students"), "students_covered": Term("已覆盖学生", "Students covered"),
    "priority_classes": Term("重点班级", "Priority classes"), "priority_covered": Term("已覆盖重点班级", "Priority covered"),
    "by_college": Term("按学院", "By college"), "by_tag": Term("按标签", "By tag"),
    "diagnosis": Term("诊断", "Diagnosis"), "checked_reasons": Term("核对过的原因", "Checked reasons"),
    "from_scenario": Term("来自情景", "From scenario"), "weights": Term("权重", "Weights"),
    "fit_model": Term("匹配模型", "Fit model"), "topup": Term("补充轮设置", "Top-up settings"),
    "rollover": Term("学年换届", "Year roll-over"), "scenario_mapping": Term("情景对应", "Scenario mapping"),
    "workers": Term("并行线程数", "Workers"), "by_rank": Term("按意向顺序", "By rank"),
    "affinity": Term("专长与班级标签", "Expertise and class tags"),
    "unit_affinity": Term("单位与班级标签", "Unit and class tags"), "aliases": Term("同义词", "Aliases"),
    "preference": Term("意向", "Preference"), "preferences": Term("意向满足", "Wishes met"),
    "cadres_with_preferences": Term("有意向的干部", "Cadres with wishes"),
    "first_choice_pct": Term("第一意向满足（%）", "First wish met (%)"),
    "top3_pct": Term("前三意向满足（%）", "Top-3 wish met (%)"), "none_pct": Term("意向均未满足（%）", "No wish met (%)"),
    "worst_rank": Term("最差满足顺序", "Worst rank met"),
    "some_without_wish_met": Term("有干部意向未满足", "Some cadres without a wish met"),
    "changes": Term("调整", "Changes"), "previous_pairs": Term("上轮配对", "Previous pairs"),
    "kept": Term("保留", "Kept"), "ended": Term("结束", "Ended"),
    "published_pairs": Term("现行配对", "Published pairs"), "pairs_needed": Term("需新配对", "Pairs needed"),
    "moves_allowed": Term("允许调整数", "Moves allowed"), "cadres_left": Term("离开的干部", "Cadres left"),
    "classes_gone": Term("不再存在的班级", "Classes gone"), "now_forbidden": Term("现已回避的配对", "Now forbidden"),
    "new_classes": Term("新增班级", "New classes"),
    "anchor": Term("参照的分配", "Anchored to"), "of": Term("参照轮次", "Round"),       # a revision's anchor (main)
    "weight": Term("保留权重", "Weight kept"),
    # bulk replaces and the ledger
    "rows": Term("行数", "Rows"), "sha256": Term("校验值", "Checksum"), "summary": Term("汇总", "Summary"),
    "added": Term("新增", "Added"), "removed": Term("删除", "Removed"), "changed": Term("修改", "Changed"),
    "unchanged": Term("未变", "Unchanged"), "inserted": Term("新增", "Inserted"), "updated": Term("更新", "Updated"),
    "updated_before_sha256": Term("更新前校验值", "Checksum before the update"),
    "omitted": Term("未记录内容", "Not recorded"), "bytes": Term("字节数", "Bytes"),
    "start": Term("开始日期", "Start"), "weeks": Term("周数", "Weeks"), "holidays": Term("假期", "Holidays"),
    # scenarios, wishes, reviews, attachments
    "op": Term("调整类型", "Edit"), "activity_id": Term("活动编号", "Activity ID"), "count": Term("数量", "Count"), "cadre_ids": Term("工号", "Cadre IDs"),
    "class_ids": Term("班级编号", "Class IDs"), "owner": Term("创建人", "Owner"), "base": Term("基础", "Based on"), "edits": Term("调整", "Edits"),
    "id": Term("编号", "No."), "deadline": Term("截止时间", "Deadline"), "max_wishes": Term("最多意向数", "Max wishes"),
    "opened_by": Term("发起人", "Opened by"), "opened_at": Term("发起时间", "Opened at"),
    "wishes": Term("意向", "Wishes"), "conflicts": Term("回避", "Conflicts"), "rank": Term("顺序", "Rank"),
    "value": Term("内容", "Value"), "by": Term("审核人", "By"), "filename": Term("文件名", "File name"),
    "mime": Term("文件类型", "File type"), "size": Term("大小（字节）", "Size (bytes)"),
    "created_by": Term("创建人", "Created by"), "created_at": Term("创建时间", "Created at"),
    # requirements, settings, fit model, downloads, roll-over, the viewer's export
    "note": Term("说明", "Note"), "effective": Term("生效日期", "Effective"), "rules": Term("规则", "Rules"),
    "levels": Term("按层级", "By level"), "at_least": Term("至少", "At least"),
    "good": Term("“好”的达标率", "Rate for good"), "fairly_good": Term("“较好”的达标率", "Rate for fairly good"),
    "average": Term("“一般”的达标率", "Rate for average"),
    "count_confirmed_only": Term("只计已确认的台账", "Count confirmed entries only"),
    "publicity.period_days": Term("公示期（天）", "Publicity period (days)"),
    "publicity.channel": Term("反映渠道", "Feedback channel"), "publicity.office": Term("发布单位", "Issuing office"),
    "version": Term("版本", "Version"), "config": Term("配置", "Configuration"), "preview": Term("预览", "Preview"),
    "pairs_changed": Term("变化的配对", "Pairs changed"), "cadres_changed": Term("涉及干部", "Cadres changed"),
    "classes_changed": Term("涉及班级", "Classes changed"), "format": Term("格式", "Format"),
    "draft": Term("草稿", "Draft"), "year": Term("学年", "School year"), "terms": Term("学期", "Terms"),
    "retired": Term("毕业离开的班级", "Classes retired"), "advanced": Term("升入下一年级的班级数", "Classes advanced"),
    "pairs_ended": Term("结束的配对", "Pairs ended"), "freshmen": Term("新生班级", "Freshman classes"),
    "preferences_dropped": Term("删除的意向数", "Preferences dropped"),
    "constraints_dropped": Term("删除的约束数", "Rules dropped"), "pairs_closed": Term("结束的分配数", "Pairs closed"),
    "filter": Term("筛选", "Filter"), "actor": Term("操作人", "Who"), "entity": Term("对象", "Object"),
    "since": Term("起", "From"), "until": Term("止", "Until"), "limit": Term("条数上限", "Limit"),
}

AUDIT_VIAS: Vocab = {
    "password": Term("密码", "password"), "cas": Term("统一身份认证（CAS）", "campus sign-on (CAS)"),
    "oidc": Term("统一身份认证（OIDC）", "campus sign-on (OIDC)"),
}
AUDIT_REASONS: Vocab = {             # codes and fixed sentences the sign-in, session and access checks write
    "unknown": Term("账号不存在", "no such account"), "no account": Term("无对应账号", "no matching account"),
    "inactive": Term("账号已停用", "account inactive"), "locked": Term("账号已锁定", "account locked"),
    "password": Term("密码错误", "wrong password"), "idle": Term("长时间未操作", "idle too long"),
    "absolute": Term("超过会话最长时间", "session too old"),
    "too many failures": Term("失败次数过多", "too many failures"),
    "state missing or wrong": Term("登录状态缺失或不符", "state missing or wrong"),
    "please log in first": Term("未登录", "not logged in"),
    "your role may not do this": Term("角色无权执行此操作", "the role may not do this"),
    "this college account has no college set": Term("院系账号未设置学院", "the college account has no college"),
    "your role may not view college data": Term("角色无权查看学院数据", "the role may not view college data"),
    "you may only see your own college": Term("只能查看本学院", "only the own college"),
    "you may only see or change your own ledger": Term("只能查看或修改本人台账", "only the own ledger"),
    "only an admin may manage accounts": Term("只有管理员可以管理账号", "only an admin may manage accounts"),
    "you cannot deactivate your own account": Term("不能停用自己的账号", "one's own account cannot be deactivated"),
}
# A download's file format, (zh, en). Plain pairs, not a Vocab: a file extension such as "xlsx" is a
# word users read in labels ("xlsx / csv"), not a code id the language test should flag.
AUDIT_FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("Excel 表格", "Excel workbook"), "pdf": ("PDF 文件", "PDF file"), "image": ("图片", "image"),
}
AUDIT_OMITTED: Vocab = {
    "too large for the audit log": Term("内容过大，只记录大小与校验值", "too large: only its size and checksum kept"),
}
SCENARIO_BASES: Vocab = {
    "published": Term("现行分配", "the assignment in force"), "round": Term("分配轮次", "a round"),
    "scenario": Term("情景", "a scenario"),
}

SCENARIO_EDIT_OPS: Vocab = {         # services.scenario_edits.EDITS
    "add_hypothetical": Term("新增假设干部", "add hypothetical cadres"), "remove_cadres": Term("移除干部", "remove cadres"),
    "set_capacity": Term("修改带班数", "set capacity"), "add_classes": Term("新增班级", "add classes"),
    "remove_classes": Term("移除班级", "remove classes"), "set_constraints": Term("替换约束规则", "replace the rules"),
}

# The service permissions a refusal names (access.require(..., action=…)): what was attempted.
AUDIT_PERMISSIONS: Vocab = {
    "acknowledge": Term("确认知晓分配", "acknowledge an assignment"),
    "acknowledge.overview": Term("查看确认情况", "view acknowledgements"),
    "acknowledge.read": Term("查看本人分配确认", "view one's acknowledgement"),
    "adjust_round": Term("手动调整轮次", "adjust a round"), "audit.view": Term("查看审计日志", "view the audit log"),
    "change_password": Term("修改密码", "change a password"), "college_scope": Term("查看学院数据", "view college data"),
    "coverage.open": Term("查看覆盖与履职", "open coverage"), "coverage.scorecard": Term("查看履职评分", "view the scorecard"),
    "create_round": Term("新建轮次", "create a round"), "create_scenario": Term("新建情景", "create a scenario"),
    "data.audit": Term("查看数据变更记录", "view data changes"), "data.counts": Term("查看数据条数", "view data counts"),
    "data.import": Term("导入数据", "import data"), "data.load": Term("读取数据", "read data"),
    "data.parse": Term("检查上传文件", "check an upload"), "data.refs": Term("检查数据引用", "check data references"),
    "data.template": Term("下载模板", "download a template"), "delete_scenario": Term("删除情景", "delete a scenario"),
    "diff_round": Term("比较轮次", "compare rounds"), "discard_round": Term("作废轮次", "discard a round"),
    "edit_scenario": Term("修改情景", "edit a scenario"), "evidence.attach": Term("上传附件", "attach a file"),
    "evidence.list": Term("查看附件", "list attachments"), "evidence.open": Term("打开附件", "open an attachment"),
    "evidence.remove": Term("删除附件", "remove an attachment"), "explain_round": Term("查看分配解释", "explain a round"),
    "export_review": Term("导出审核表", "export the review table"),
    "fit_model.bulk": Term("批量修改匹配模型", "edit the fit model in bulk"),
    "fit_model.grid": Term("查看匹配分表", "view the fit grid"),
    "fit_model.history": Term("查看匹配模型历史", "view the fit model history"),
    "fit_model.preview": Term("预览匹配模型", "preview the fit model"),
    "fit_model.read": Term("查看匹配模型", "view the fit model"), "fit_model.save": Term("保存匹配模型", "save the fit model"),
    "home": Term("打开首页", "open the home page"), "home.my_class": Term("查看我的班级", "view one's class"),
    "ledger.check": Term("检查台账记录", "check a ledger entry"), "ledger.open": Term("打开工作台账", "open the ledger"),
    "ledger.progress": Term("查看履职进度", "view progress"), "ledger.read": Term("查看台账", "read a ledger"),
    "ledger.record": Term("填报台账", "record an entry"), "ledger.resubmit": Term("重新提交台账", "resubmit an entry"),
    "ledger.withdraw": Term("撤回台账", "withdraw an entry"), "list_rounds": Term("查看轮次列表", "list rounds"),
    "list_scenarios": Term("查看情景列表", "list scenarios"), "manage_accounts": Term("管理账号", "manage accounts"),
    "promote_scenario": Term("情景转为轮次", "promote a scenario"), "publish_round": Term("发布轮次", "publish a round"),
    "read_round": Term("查看轮次", "read a round"), "read_scenario": Term("查看情景", "read a scenario"),
    "report.annual": Term("生成年度报告", "make the annual report"),
    "reproduce_round": Term("复现轮次", "reproduce a round"),
    "requirements.add": Term("新增工作要求版本", "add a requirements version"),
    "requirements.history": Term("查看工作要求历史", "view the requirements history"),
    "requirements.settings": Term("修改等次设置", "change the grading settings"),
    "requirements.view": Term("查看工作要求", "view the requirements"),
    "review.entries": Term("审核台账", "review ledger entries"), "revise_round": Term("修订轮次", "revise a round"),
    "rollover.apply": Term("执行学年换届", "apply the year roll-over"),
    "rollover.preview": Term("预览学年换届", "preview the year roll-over"),
    "round_audit_trail": Term("查看轮次记录", "view a round's trail"), "round_inputs": Term("查看轮次输入", "view round inputs"),
    "scenario_curve": Term("计算公平曲线", "compute the fairness curve"),
    "settings.read": Term("查看系统设置", "read settings"), "settings.write": Term("修改系统设置", "change settings"),
    "solve_round": Term("求解轮次", "solve a round"), "solve_scenario": Term("求解情景", "solve a scenario"),
    "upload_assignment": Term("上传分配结果", "upload an assignment"),
    "wishes.answer": Term("填报意向", "answer the wish collection"), "wishes.answers": Term("查看意向答复", "view answers"),
    "wishes.as_inputs": Term("意向转为输入", "use wishes as inputs"), "wishes.choices": Term("查看意向选项", "view wish choices"),
    "wishes.current": Term("查看当前意向征集", "view the current collection"),
    "wishes.deadline": Term("修改意向截止时间", "change the wish deadline"),
    "wishes.open": Term("开启意向征集", "open a wish collection"), "wishes.read": Term("查看意向", "read wishes"),
}


def audit_permission(name, lang: str = "zh") -> str | None:
    """Words for a refused permission (`download.<kind>` through DOWNLOADS / DATA_KINDS); None if unknown."""
    if not isinstance(name, str):
        return None
    if name in AUDIT_PERMISSIONS:
        return AUDIT_PERMISSIONS[name].label(lang)
    head, _, kind = name.partition(".")
    if head == "download" and (kind in DOWNLOADS or kind in DATA_KINDS):
        what = (DOWNLOADS.get(kind) or DATA_KINDS[kind]).label(lang)
        return f"下载{what}" if lang == "zh" else f"download the {what}"
    return None
