"""Which pages each role sees. app.py builds st.navigation from this table."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageDef:
    path: str
    title_zh: str
    title_en: str
    icon: str
    roles: tuple[str, ...]
    help_zh: str
    help_en: str


PAGES: list[PageDef] = [
    PageDef("pages/home.py", "首页", "Home", ":material/home:",
            ("admin", "leader", "planner", "college", "cadre"),
            "按角色显示的概览与入口。", "Overview and shortcuts for your role."),
    PageDef("pages/data.py", "数据管理", "Data", ":material/upload_file:", ("admin",),
            "导入干部、班级、意向、约束、台账等文件，下载模板，查看已加载数据。",
            "Import rosters, wishes, rules and ledgers; download templates; browse what is loaded."),
    PageDef("pages/rounds.py", "分配轮次", "Rounds", ":material/assignment_ind:", ("admin", "planner"),
            "创建分配轮次、设置规则、求解、审核、调整、发布与导出。",
            "Create assignment rounds, set rules, solve, review, adjust, publish and export."),
    PageDef("pages/coverage.py", "覆盖与合规", "Coverage", ":material/monitoring:",
            ("admin", "leader", "college"),
            "班级覆盖与“六个一”“九进”落实情况，实时刷新。",
            "Live class coverage and every cadre's compliance with the six ones and nine venues."),
    PageDef("pages/scenarios.py", "情景推演", "Scenarios", ":material/compare_arrows:", ("planner", "admin"),
            "在不影响已发布结果的前提下推演方案并对比。",
            "What-if copies of the inputs, solved and compared side by side; never published directly."),
    PageDef("pages/fit_model.py", "匹配模型", "Fit model", ":material/tune:", ("admin",),
            "学校的人岗相宜模型：专长与单位匹配表、权重与意向分值（按版本保存），词汇检查，干部×班级视图。",
            "The school's fit model: expertise and unit tables, weights and wish values (versioned), "
            "vocabulary checks, the cadre × class view."),
    PageDef("pages/ledger.py", "工作台账", "My ledger", ":material/edit_note:", ("cadre", "admin"),
            "记录与学生的每次活动，查看本人进度。",
            "Record each activity with students and see your own progress."),
    PageDef("pages/wishes.py", "联系意向", "My wishes", ":material/favorite:", ("cadre",),
            "填报联系班级的意向，申报回避。", "State your ranked wishes and declare conflicts."),
    PageDef("pages/confirm.py", "台账确认", "Confirm ledgers", ":material/fact_check:", ("college", "admin"),
            "确认或退回干部的台账记录，查看附件与撤回。",
            "Confirm or return cadres' ledger entries; see evidence and withdrawals."),
    PageDef("pages/requirements.py", "工作要求", "Requirements", ":material/rule:", ("admin",),
            "各项工作要求的次数、周期、计入的活动与场所（分层级、按生效日期分版本），等次标准。",
            "Each requirement's threshold, period, counted activities and venues (per level, versioned by "
            "date), and the grade thresholds."),
    PageDef("pages/wish_rounds.py", "意向征集", "Wish collection", ":material/campaign:", ("admin",),
            "开启意向征集、催办、查看填报与确认知晓情况。",
            "Open a wish collection, remind, read answers and acknowledgements."),
    PageDef("pages/users.py", "用户管理", "Users", ":material/manage_accounts:", ("admin",),
            "账号的创建、停用、重置密码、解锁、角色与范围，按名册批量开通。",
            "Create, deactivate, reset, unlock and scope accounts; provision them from the rosters."),
    PageDef("pages/audit.py", "审计日志", "Audit log", ":material/history:", ("admin",),
            "谁在何时做了什么：筛选、按北京时间逐条说明、导出。",
            "Who did what and when: filter, read each entry in words (Beijing time), export."),
    PageDef("pages/account.py", "我的账号", "My account", ":material/key:",
            ("admin", "leader", "planner", "college", "cadre"),
            "修改本人密码，查看登录状态。", "Change your own password; see your session."),
]
ACCOUNT_PAGE = "pages/account.py"


def pages_for(role: str) -> list[PageDef]:
    return [p for p in PAGES if role in p.roles and (ROOT / p.path).exists()]


def url_path(p: PageDef) -> str:
    return Path(p.path).stem


def page_url_paths() -> set[str]:
    """Every page's URL path but the default page's (that one lives at `/`); app.py registers all
    of them, hidden where the role may not go."""
    return {url_path(p) for p in PAGES[1:] if (ROOT / p.path).exists()}
