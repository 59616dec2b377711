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
    DOWNLOAD = "ledger_table_download"
    ENTRY_PICK = "ledger_entry_pick"       # the entry opened below the table
    UPLOAD = "ledger_upload"
    UPLOAD_SAVE = "ledger_upload_save"
    UPLOAD_NONCE = "ledger_upload_nonce"   # a new uploader after each upload (it forgets the sent files)
    WITHDRAW_REASON = "ledger_withdraw_reason"
    WITHDRAW = "ledger_withdraw"
    FIX_FORM = "ledger_fix_form"
    FIX_SUMMARY = "ledger_fix_summary"
    FIX_VENUE = "ledger_fix_venue"
    FIX_STUDENTS = "ledger_fix_students"
    FLASH = "ledger_flash"
