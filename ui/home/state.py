"""Session keys of the Home page (tests import these)."""
from __future__ import annotations


class Keys:
    CLASSES = "home_classes"
    ACK = "home_ack"
    FLASH = "home_flash"
