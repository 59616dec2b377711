"""The admin's audit-log viewer: filter by who, what and when; every entry in words, in Beijing
time; export as xlsx (the export itself is logged)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from common import vocabulary
from importer import schema
from importer.writers import neutralise_formulas
from services import access, kind_display
from services.db import session_scope
from store import audit
from store.auth import UserInfo

BEIJING = ZoneInfo("Asia/Shanghai")
DETAIL_CHARS = 160


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    since: date | None = None      # Beijing dates, inclusive
    until: date | None = None
    limit: int = 500


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BEIJING).astimezone(ZoneInfo("UTC"))


def choices(user: UserInfo) -> tuple[list[str], list[str], list[str]]:
    """Actors, actions and entities present in the log, for the filter boxes."""
    access.require(user, "admin", action="audit.view")
    with session_scope() as s:
        return audit.audit_vocabulary(s)


# --- an entry in words -----------------------------------------------------------------------
# How the dict under a key is read: its keys are "fields" (labelled through AUDIT_FIELDS and the
# importer's column names), "codes" of a vocabulary, or "data" (ids, names, tags: shown as written);
# the second part says how the values under those keys are read ("fields", "plain" numbers/text
# without codes, "data", or "pairs" of [old, new]).
_SHAPES: dict[str, tuple[str, vocabulary.Vocab | None, str]] = {
    "inputs": ("codes", vocabulary.DATA_KINDS, "plain"),
    "weights": ("codes", vocabulary.WEIGHTS, "plain"),
    "levels": ("codes", vocabulary.LEVELS, "fields"),
    "rules": ("codes", vocabulary.ACTIVITY_TYPES, "fields"),
    "kind": ("codes", vocabulary.PREFERENCE_KINDS, "plain"),          # the fit model's weight per wish kind
    "scenario_mapping": ("codes", vocabulary.DATA_KINDS, "data"),
    "changed": ("data", None, "pairs"),
    "by_college": ("data", None, "fields"),
    "by_tag": ("data", None, "fields"),
    "affinity": ("data", None, "data"),
    "unit_affinity": ("data", None, "data"),
    "aliases": ("data", None, "data"),
}
# Values that are codes: shown through their vocabulary (a code not found there is an unknown code).
_ENUMS: dict[str, tuple[vocabulary.Vocab, ...]] = {
    "status": (vocabulary.ROUND_STATUSES, vocabulary.REVIEW_STATUSES, vocabulary.ROUND_RESULTS),
    "kind": (vocabulary.ROUND_KINDS, vocabulary.PREFERENCE_KINDS, vocabulary.SCENARIO_BASES),
    "type": (vocabulary.CONSTRAINT_TYPES, vocabulary.ACTIVITY_TYPES),
    "level": (vocabulary.LEVELS,), "role": (vocabulary.ROLES,), "venue": (vocabulary.VENUES,),
    "objective": (vocabulary.OBJECTIVES,), "objective_mode": (vocabulary.OBJECTIVES,),
    "priority": (vocabulary.PRIORITY_MODES,), "own_unit": (vocabulary.OWN_UNIT_RULES,),
    "via": (vocabulary.AUDIT_VIAS,), "op": (vocabulary.SCENARIO_EDIT_OPS,), "omitted": (vocabulary.AUDIT_OMITTED,),
    "format": ({k: vocabulary.Term(*v) for k, v in vocabulary.AUDIT_FORMATS.items()},),
    "entity": (vocabulary.AUDIT_ENTITIES,), "action": (vocabulary.AUDIT_ACTIONS,),
}
_FREE_ENUMS = {"reason": vocabulary.AUDIT_REASONS}     # a code, else what a person wrote (data) …
_CODED_REASONS = ("access_denied", "login_failed", "session_expired", "sso_refused")   # … but here always a code
_COUNTED = ("diagnosis", "checked_reasons", "rows")    # long texts (both languages), whole rows: their number
_ID_COLUMN = {"cadres": "cadre_id", "classes": "class_id"}   # what a bulk replace's changed rows are keyed by
_HASHES = ("sha256", "updated_before_sha256")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Sentences the services write with a name or year inside: (pattern, zh, en)
_REASON_SENTENCES = (
    (re.compile(r"^(\d{4}-\d{4})学年换届：毕业班级退出$"),                      # services.rollover (end_pairs)
     "{0}学年换届：毕业班级退出", "year roll-over to {0}: graduated classes leave"),
    (re.compile(r"^only the owner \((.*)\) or an admin may change or delete this$"),   # access.require_owner
     "只有创建人（{0}）或管理员可以修改或删除", "only the owner ({0}) or an admin may change or delete this"),
)
LIST_ITEMS = 10


@dataclass
class _Say:
    lang: str
    entity: str = ""
    action: str = ""
    data: list | None = None          # every data value emitted as written (names, ids, file names …)
    unknown: list | None = None       # keys and codes without words (a test fails on any)

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def as_data(self, text) -> str:
        text = "" if text is None else str(text)
        if self.data is not None and text:
            self.data.append(text)
        return text

    def missing(self, what: str) -> None:
        if self.unknown is not None:
            self.unknown.append(what)


def _columns(kind: str, lang: str) -> dict[str, str]:
    return kind_display.headers(kind, lang)


# keys of a bulk replace's own summary: never read as one of the kind's columns (the ledger's "summary")
_OWN_KEYS = ("rows", "sha256", "summary", "added", "removed", "changed", "unchanged", "inserted", "updated",
             "omitted", "bytes")


def _field(key: str, say: _Say) -> str:
    """A key's label: the entry's own data column, then the audit fields, then any data column."""
    own = _columns(say.entity, say.lang) if say.entity in schema.SCHEMAS and key not in _OWN_KEYS else {}
    if key in own:
        return own[key]
    for table in (vocabulary.AUDIT_FIELDS, vocabulary.ROUND_PARAMS):
        if key in table:
            return table[key].label(say.lang)
    for kind in schema.SCHEMAS:
        cols = _columns(kind, say.lang)
        if key in cols:
            return cols[key]
    say.missing(f"key {key!r}")
    return key


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _scalar(key: str | None, value, say: _Say, *, plain: bool = False) -> str:
    if value is None:
        return "（空）" if say.zh else "(empty)"
    if isinstance(value, bool):
        return ("是" if value else "否") if say.zh else ("yes" if value else "no")
    if isinstance(value, float):
        return format(value, "g")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if key in _HASHES and len(text) >= 16:
        return text[:12] + "…"
    if _ISO_TIME.match(text):
        try:
            at = datetime.fromisoformat(text)
            return (at.astimezone(BEIJING) if at.tzinfo else at).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
    if not plain and key == "action" and vocabulary.audit_permission(text, say.lang):
        return vocabulary.audit_permission(text, say.lang)
    if not plain and key in _ENUMS:
        for table in _ENUMS[key]:
            if text in table:
                return table[text].label(say.lang)
            for term in table.values():
                if text in term.spellings:
                    return term.label(say.lang)
        say.missing(f"{key}={text!r}")
        return text
    if not plain and key in _FREE_ENUMS:
        if text in _FREE_ENUMS[key]:
            return _FREE_ENUMS[key][text].label(say.lang)
        for pattern, zh, en in _REASON_SENTENCES:
            m = pattern.match(text)
            if m:
                return (zh if say.zh else en).format(say.as_data(m[1]))
        if say.action in _CODED_REASONS:
            say.missing(f"{key}={text!r}")
            return text
    return say.as_data(text)


def _items(parts: list[str], total: int, say: _Say) -> str:
    more = ("" if total <= len(parts) else
            (f" …（共 {total} 项）" if say.zh else f" … ({total} in all)"))
    return ("、" if say.zh else ", ").join(parts) + more


def _list(key: str | None, value: list, say: _Say, mode: str = "fields") -> str:
    if key in _COUNTED:
        return f"{len(value)} 项" if say.zh else f"{len(value)} items"
    parts = []
    for v in value[:LIST_ITEMS]:
        if key == "holidays" and isinstance(v, list) and len(v) == 2:
            a, b = (_scalar("date", x, say) for x in v)
            parts.append(a if a == b else f"{a}{'至' if say.zh else ' to '}{b}")
        elif key == "pairs" and isinstance(v, list) and len(v) == 2:          # [cadre_id, class_id]
            parts.append(f"{say.as_data(v[0])}→{say.as_data(v[1])}")
        else:
            parts.append(_value(key, v, say, mode, nested=True))
    return _items(parts, len(value), say)


def _join(pairs: list[str], say: _Say, nested: bool) -> str:
    if not nested:
        return ("；" if say.zh else "; ").join(pairs)
    text = ("，" if say.zh else ", ").join(pairs)
    return f"（{text}）" if say.zh else f"({text})"


def _dict(key: str | None, value: dict, say: _Say, nested: bool) -> str:
    keys, table, child = _SHAPES.get(key, ("fields", None, "fields")) if key is not None else ("fields", None, "fields")
    pairs = []
    for k, v in value.items():
        if _empty(v) and keys == "fields":
            continue
        if keys == "codes":
            if k in table:
                name = table[k].label(say.lang)
            else:
                say.missing(f"{key}: code {k!r}")
                name = str(k)
        elif keys == "data":
            name = say.as_data(k)
            if key == "changed" and say.entity in _ID_COLUMN:      # "工号 19860133: 职务: 院长 → 副院长"
                name = f"{_field(_ID_COLUMN[say.entity], say)} {name}"
        else:
            number = k == "objective" and isinstance(v, int | float) and not isinstance(v, bool)
            name = _field("objective_value" if number else k, say)     # a result's value, not the mode
        pairs.append(f"{name}: {_value(k if keys == 'fields' else None, v, say, child, nested=True)}")
    return _join(pairs, say, nested)


def _value(key: str | None, value, say: _Say, mode: str = "fields", nested: bool = False) -> str:
    if mode == "data" and not isinstance(value, dict | list):
        return say.as_data(value) if value is not None else _scalar(None, None, say)
    if mode == "pairs" and isinstance(value, list) and len(value) == 2:     # [old, new] of one field
        return " → ".join(_scalar(None, None, say) if _empty(v) else _value(key, v, say, "fields", True)
                          for v in value)
    if isinstance(value, dict):
        if mode == "data":
            return _join([f"{say.as_data(k)}: {_value(None, v, say, 'data', True)}" for k, v in value.items()],
                         say, nested)
        if mode == "pairs":      # {field: [old, new]} of one changed row
            return _join([f"{_field(k, say)}: {_value(k, v, say, 'pairs', True)}" for k, v in value.items()],
                         say, nested)
        return _dict(key, value, say, nested)
    if isinstance(value, list):
        return _list(key, value, say, "data" if mode == "data" else "fields")
    return _scalar(key, value, say, plain=mode == "plain")


def words(value, lang: str = "zh", *, action: str = "", entity: str = "", data: list | None = None,
          unknown: list | None = None) -> str:
    """An entry's before or after in words, in `lang`: "键: 值" pairs with labelled keys and coded
    values through their vocabulary; ids, names and file names as written. `data` collects the
    values shown as written, `unknown` every key or code that has no words (both for tests)."""
    if _empty(value):
        return ""
    say = _Say(lang, entity, action, data, unknown)
    if isinstance(value, dict) and action == "upsert":        # activity id → the activity as it is now
        return _join([f"{say.as_data(k)}: {_value(None, v, say, 'fields', True)}" for k, v in value.items()],
                     say, False)
    if isinstance(value, list):
        return _list(None, value, say)
    return _value(None, value, say)


def _detail(value, lang: str = "zh", **context) -> str:
    """A short plain-text summary of an entry's before/after (no JSON braces), in `lang`."""
    text = words(value, lang, **context)
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS] + "…"


def what(action: str, entity: str, entity_id, lang: str = "zh", *, data: list | None = None,
         unknown: list | None = None) -> str:
    """"发布 分配轮次 42": the action, its object and the object's id (a refused permission in words)."""
    say = _Say(lang, entity, action, data, unknown)
    for table, code in ((vocabulary.AUDIT_ACTIONS, action), (vocabulary.AUDIT_ENTITIES, entity)):
        if code not in table:
            say.missing(f"code {code!r}")
    ident = "" if entity_id in (None, "", "*") else str(entity_id)
    if ident and entity == "security":
        ident = (vocabulary.audit_permission(ident, lang)
                 or (vocabulary.AUDIT_VIAS[ident].label(lang) if ident in vocabulary.AUDIT_VIAS else say.as_data(ident)))
    elif ident:
        ident = say.as_data(ident)
    return " ".join(p for p in (vocabulary.label(vocabulary.AUDIT_ACTIONS, action, lang),
                                vocabulary.label(vocabulary.AUDIT_ENTITIES, entity, lang), ident) if p)


KEEP = ("name", "username")          # what identifies the object, kept even when unchanged


def differences(before, after):
    """(before, after) without the fields both hold alike: an update reads as what it changed."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return before, after
    same = {k for k in before.keys() & after.keys() if before[k] == after[k]}
    return ({k: v for k, v in before.items() if k not in same},
            {k: v for k, v in after.items() if k not in same or k in KEEP})


def entries(user: UserInfo, f: AuditFilter, lang: str = "zh") -> pd.DataFrame:
    """The filtered log, newest first, one row per entry in words."""
    access.require(user, "admin", action="audit.view")
    with session_scope() as s:
        df = audit.audit_rows(s, limit=f.limit, actor=f.actor or None, action=f.action or None,
                              entity=f.entity or None,
                              since=_utc(f.since) if f.since else None,
                              until=_utc(f.until + timedelta(days=1)) if f.until else None)
    zh = lang == "zh"
    rows = [(a, e, i, *differences(b, x))
            for a, e, i, b, x in zip(df["action"], df["entity"], df["entity_id"], df["before"], df["after"], strict=True)]
    return pd.DataFrame({
        "编号" if zh else "No.": df["id"],
        "时间（北京）" if zh else "Time (Beijing)": df["at"].dt.tz_convert(BEIJING).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "操作人" if zh else "Who": df["actor"],
        "操作" if zh else "What": [what(a, e, i, lang) for a, e, i, _, _ in rows],
        "修改前" if zh else "Before": [_detail(b, lang, action=a, entity=e) for a, e, _, b, _ in rows],
        "修改后" if zh else "After": [_detail(x, lang, action=a, entity=e) for a, e, _, _, x in rows],
    })


def export_xlsx(user: UserInfo, f: AuditFilter, lang: str = "zh") -> bytes:
    """The filtered log as a workbook of text cells; the export is itself an audit entry."""
    from openpyxl import Workbook

    table = entries(user, f, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "审计日志" if lang == "zh" else "Audit log"
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append([str(v) for v in row])
    for col, width in zip("ABCDEF", (8, 20, 14, 30, 50, 50), strict=True):
        ws.column_dimensions[col].width = width
    neutralise_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    with session_scope() as s:
        audit.record(s, user.username, "export", "audit_log", "",
                     after={"rows": len(table), "filter": {k: str(v) for k, v in vars(f).items() if v}})
    return out.getvalue()
