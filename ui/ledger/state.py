"""Session keys of the Ledger page (tests import these instead of spelling the strings)."""
from __future__ import annotations


class Keys:
    CADRE = "ledger_cadre"               # the admin's cadre picker
    FORM = "ledger_form"
    DATE = "ledger_date"
    TYPE = "ledger_type"
    VENUE = "ledger_venue"
    CLASS = "ledger_class"
    STUDENTS = "ledger_students"
    MINUTES = "ledger_minutes"
    SUMMARY = "ledger_summary"
    PROGRESS = "ledger_progress"
    PERIODS = "ledger_periods"
    TABLE = "ledger_table"
    DELETE_PICK = "ledger_delete_pick"
    DELETE_CONFIRM = "ledger_delete_confirm"
    DELETE = "ledger_delete"
    FLASH = "ledger_flash"
