"""Settings the admin sets once in the app: what the 公示 (publicity list) says besides the names."""
from __future__ import annotations

from dataclasses import dataclass

from common.errors import YixianError
from services import access
from services.db import session_scope
from store import settings as store_settings
from store.auth import UserInfo

MAX_LEN = 200


@dataclass(frozen=True)
class Publicity:
    period_days: int = 5            # 公示期 (working days)
    channel: str = ""               # 反映渠道: phone / mailbox / office for comments
    office: str = ""                # the issuing office (落款)


class SettingsError(YixianError):
    pass


def publicity(user: UserInfo) -> Publicity:
    access.require(user, "admin", "planner", action="settings.read")
    with session_scope() as s:
        values = store_settings.get_settings(s)
    days = values.get("publicity.period_days", "")
    return Publicity(int(days) if days.isdigit() else Publicity.period_days,
                     values.get("publicity.channel", ""), values.get("publicity.office", ""))


def set_publicity(user: UserInfo, period_days: int, channel: str, office: str) -> Publicity:
    """Save the 公示 settings (admin only); refuses a period outside 1–30 days or an overlong text."""
    access.require(user, "admin", action="settings.write")
    if not 1 <= int(period_days) <= 30:
        raise SettingsError(f"公示期应为 1–30 天，收到 {period_days}", f"the period must be 1–30 days, got {period_days}")
    for name_zh, name_en, text in (("反映渠道", "channel", channel), ("发布单位", "office", office)):
        if len(text.strip()) > MAX_LEN:
            raise SettingsError(f"{name_zh}过长（最多 {MAX_LEN} 字）", f"{name_en} too long (at most {MAX_LEN} characters)")
    with session_scope() as s:
        store_settings.set_settings(s, user.username, {"publicity.period_days": str(int(period_days)),
                                                      "publicity.channel": channel.strip(),
                                                      "publicity.office": office.strip()})
    return Publicity(int(period_days), channel.strip(), office.strip())
