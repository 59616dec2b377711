"""Session keys of the year roll-over section (tests import these instead of spelling the strings)."""
from __future__ import annotations


class Keys:
    CALENDAR = "rollover_calendar"          # uploader: next year's calendar (TOML)
    FRESHMEN = "rollover_freshmen"          # uploader: the new year's freshman classes (optional)
    PREVIEW = "rollover_preview"            # button
    PLAN = "rollover_plan"                  # the previewed RolloverPlan
    CHECKED = "rollover_checked"            # checkbox: the admin has read the preview
    APPLY = "rollover_apply"                # button
    FLASH = "rollover_flash"
    RETIRED = "rollover_retired"            # tables
    PAIRS = "rollover_pairs"
    STEPS = "rollover_steps"
