"""What the Ledger page calls: check, record and delete activities, and a cadre's own progress.

Who may: a cadre sees and writes only their own ledger (their cadre_id comes from the login); an
admin may act for any cadre; every other role is refused. Refusals are audit-logged
(services.access); a delete of another cadre's activity is answered exactly like a missing one, so
ids of other cadres are never revealed.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

import importer
from common.errors import YixianError
from importer.schema import SCHEMAS
from services import access
from services.compliance_view import Inputs, compute, rule_names
from services.coverage import STATUS_ZH, cadre_card
from services.coverage_parts import cadre_states
from services.db import session_scope
from store import data as store_data
from store import ledger as store_ledger
from store.auth import UserInfo
from store.errors import NotFound

ROLES = ("cadre", "admin")


class LedgerError(YixianError):
    """A refused ledger action (e.g. saving an activity that did not pass the check)."""


@dataclass
class ActivityCheck:
    frame: pd.DataFrame | None
    problems_zh: list[str]
    problems_en: list[str]

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.problems_zh


def _own(user: UserInfo, cadre_id: str, action: str) -> None:
    access.require(user, *ROLES, action=action)
    access.require_own_cadre(user, cadre_id, action=action)


def cadre_choices(user: UserInfo, inputs: Inputs) -> pd.DataFrame:
    """cadre_id, name of the cadres whose ledger `user` may open: every cadre for an admin, else only
    the cadre linked to the account (none when the account links to no cadre)."""
    access.require(user, *ROLES, action="ledger.open")
    cad = inputs.cadres[["cadre_id", "name"]]
    if user.role == "admin":
        return cad.reset_index(drop=True)
    return cad.loc[cad["cadre_id"] == (user.cadre_id or "")].reset_index(drop=True)


def _form_csv(form: dict) -> bytes:
    cols = [c.id for c in SCHEMAS["ledger"].columns]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    vals = []
    for c in cols:
        v = form.get(c)
        if isinstance(v, date):
            v = v.isoformat()
        vals.append("" if v is None else str(v))
    w.writerow(vals)
    return buf.getvalue().encode("utf-8")


def _problem_lines(exc: importer.ImportFailed) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    for p in exc.problems:
        col = p.column or ""
        cid = col[col.find("(") + 1:-1] if col.endswith(")") and "(" in col else col
        zh_col = next((c.zh for c in SCHEMAS["ledger"].columns if c.id == cid), col)
        val_zh = f"（填写的是“{p.value}”）" if p.value not in (None, "") else ""
        val_en = f" (got '{p.value}')" if p.value not in (None, "") else ""
        zh.append(f"{zh_col}：{p.expected_zh}{val_zh}" if zh_col else p.expected_zh)
        en.append(f"{cid or col}: {p.expected_en}{val_en}" if (cid or col) else p.expected_en)
    return zh, en


def check_activity(user: UserInfo, form: dict, today: date | None = None) -> ActivityCheck:
    """Validate one activity from the ledger form exactly as an imported ledger row: the form's values
    become a one-row CSV read by `importer.read_file("ledger", ...)` against what the store holds
    (same column definitions, enums, venue rule, references, no date after today)."""
    _own(user, str(form.get("cadre_id") or ""), "ledger.check")
    with session_scope() as s:
        refs = store_data.refs(s)
    zh: list[str] = []
    en: list[str] = []
    frame = None
    try:
        frame = importer.read_file("ledger", _form_csv(form), filename="台账录入.csv", refs=refs,
                                   today=today or date.today())
    except importer.ImportFailed as exc:
        zh, en = _problem_lines(exc)
    return ActivityCheck(frame if not zh else None, zh, en)


def record_activity(user: UserInfo, check: ActivityCheck) -> str:
    """Store a checked activity as `user` (audit-logged); returns its activity_id."""
    if not check.ok:
        raise LedgerError("活动未通过校验，未保存", "the activity did not pass the check; nothing was saved")
    row = check.frame.iloc[0].to_dict()
    row = {k: (None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) else v) for k, v in row.items()}
    _own(user, str(row["cadre_id"]), "ledger.record")
    with session_scope() as s:
        aid = store_data.add_activity(s, row, user.username)
        if (store_ledger.review_of(s, aid) or {}).get("status") == "withdrawn":
            store_ledger.clear_review(s, aid, user.username)   # recorded again after a withdrawal
        return aid


def _locked_for(user: UserInfo, activity_id: str) -> None:
    """A confirmed entry is locked for its cadre (the admin may still act)."""
    if user.role == "admin":
        return
    with session_scope() as s:
        review = store_ledger.review_of(s, activity_id)
    if review and review["status"] == "confirmed":
        raise LedgerError(f"记录 {activity_id} 已由学院确认，不能再修改或撤回",
                          f"entry {activity_id} was confirmed by the college; it can no longer change or be withdrawn")


def _own_activity(user: UserInfo, activity_id: str, action: str) -> str:
    """The owner of an activity `user` may change; another cadre's is answered like a missing one."""
    access.require(user, *ROLES, action=action)
    missing = NotFound(f"活动 {activity_id} 不存在或不属于您", f"activity {activity_id} does not exist or is not yours")
    with session_scope() as s:
        owner = store_ledger.activity_owner(s, activity_id)
    if owner is None:
        raise missing
    try:
        access.require_own_cadre(user, owner, action=action)
    except access.AccessDenied:
        raise missing from None     # same answer as "missing" (the refusal is audit-logged)
    return owner


def withdraw_activity(user: UserInfo, activity_id: str, reason: str) -> None:
    """Withdraw an entry (deletion is withdrawal): it leaves the ledger and compliance, and stays
    visible to the college as withdrawn, with the reason. A cadre only their own unconfirmed
    entries; an admin any. Audit-logged (the ledger delete and the review row, one transaction)."""
    owner = _own_activity(user, activity_id, "ledger.withdraw")
    if not str(reason).strip():
        raise LedgerError("撤回时请填写原因（学院可见）", "give a reason to withdraw (the college sees it)")
    _locked_for(user, activity_id)
    with session_scope() as s:
        before = store_ledger.activity_record(s, activity_id)
        store_data.delete_activity(s, activity_id, user.username)
        store_ledger.set_review(s, activity_id, owner, "withdrawn", str(reason).strip(), user.username,
                                record=before)


def resubmit_activity(user: UserInfo, activity_id: str, check: ActivityCheck) -> None:
    """Replace an entry's content (e.g. a returned one the cadre fixed) keeping its id; it becomes
    pending again. Refused for a confirmed entry (cadre) and for another cadre's."""
    owner = _own_activity(user, activity_id, "ledger.resubmit")
    if not check.ok:
        raise LedgerError("活动未通过校验，未保存", "the activity did not pass the check; nothing was saved")
    _locked_for(user, activity_id)
    frame = check.frame.assign(activity_id=activity_id)
    if str(frame["cadre_id"].iloc[0]) != owner:
        raise LedgerError("不能把记录改到另一位干部名下", "an entry cannot be moved to another cadre")
    with session_scope() as s:
        store_data.upsert_ledger(s, frame, user.username)
        store_ledger.clear_review(s, activity_id, user.username)


def entry_status(user: UserInfo, cadre_id: str) -> pd.DataFrame:
    """The cadre's review rows (activity_id, status, reason, by, at, record), withdrawn ones included."""
    _own(user, cadre_id, "ledger.read")
    with session_scope() as s:
        return store_ledger.reviews(s, [cadre_id])


def cadre_ledger(user: UserInfo, inputs: Inputs, cadre_id: str) -> pd.DataFrame:
    _own(user, cadre_id, "ledger.read")
    led = inputs.ledger.loc[inputs.ledger["cadre_id"] == cadre_id]
    return led.sort_values(["date", "activity_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cadre_classes(user: UserInfo, inputs: Inputs, cadre_id: str) -> pd.DataFrame:
    """The cadre's assignment rows (class_id, class name, college, start, end), newest first."""
    _own(user, cadre_id, "ledger.read")
    a = inputs.assignment.loc[inputs.assignment["cadre_id"] == cadre_id, ["class_id", "class_name", "college",
                                                                         "start", "end"]]
    return a.sort_values("start", ascending=False, na_position="last").reset_index(drop=True)


def cadre_progress(user: UserInfo, inputs: Inputs, cadre_id: str, as_of: date) -> dict:
    """One cadre's own scorecard: the current period of each rule, rates, 九进, what to do this week.
    Evaluates only this cadre's rows (cheap; identical to the cadre's rows of a full evaluation)."""
    _own(user, cadre_id, "ledger.progress")
    return progress_of(inputs, cadre_id, as_of)


def progress_of(inputs: Inputs, cadre_id: str, as_of: date) -> dict:
    """cadre_progress without the access check (services.home calls it for the cadre's own home)."""
    a = inputs.assignment.loc[inputs.assignment["cadre_id"] == cadre_id]
    if inputs.calendar is None:
        return {"assigned": False, "state": "exempt"}
    sub = replace(inputs, assignment=a, ledger=inputs.ledger.loc[inputs.ledger["cadre_id"] == cadre_id],
                  exemptions=inputs.exemptions.loc[inputs.exemptions["cadre_id"] == cadre_id], memo={},
                  cadres=inputs.cadres.loc[inputs.cadres["cadre_id"] == cadre_id])
    comp = compute(sub, as_of)
    # the cadre's standing as the dashboard counts it: 免予考核, 未带班, on / off track
    state = str(cadre_states(comp, comp.fc, [cadre_id])["state"].iloc[0])
    if a.empty:
        return {"assigned": False, "state": state}
    st = comp.ev.status
    zh, en = rule_names(inputs, "zh"), rule_names(inputs, "en")
    current = st.loc[st["status"] != "exempt"].groupby("rule", sort=False).tail(1)
    cur = pd.DataFrame({
        "rule": current["rule"], "rule_zh": current["rule"].map(zh), "rule_en": current["rule"].map(en),
        "period": current["period"], "required": current["required"], "done": current["done"],
        "status": current["status"], "status_zh": current["status"].map(STATUS_ZH),
        "period_end": current["period_end"], "period_kind": current["period_kind"],
    }).reset_index(drop=True)
    rates = st.loc[st["status"].isin(["met", "missed"])]
    rate = rates.assign(_m=rates["status"] == "met").groupby("rule", sort=False)["_m"].agg(["sum", "size"])
    cur["met_periods"] = cur["rule"].map(rate["sum"]).fillna(0).astype(int)
    cur["closed_periods"] = cur["rule"].map(rate["size"]).fillna(0).astype(int)
    card = cadre_card(comp, cadre_id)
    return {"assigned": True, "state": state, "current": cur, "status": card["status"], "venues": card["venues"],
            "venues_missing": card["venues_missing"], "must_act": card["must_act"],
            "on_track": state == "on_track",
            "missed": int((st["status"] == "missed").sum())}
