"""The office's word is 意向 (issue 13): templates and exports write 意向顺序 / 满足意向, and files with
the old headers 志愿 / 满足志愿 still import."""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

import importer

OLD = "工号,志愿,类型,意向\nT1,1,学院,计算机学院\nT1,2,年级,2025\n".encode()
NEW = "工号,意向顺序,类型,意向\nT1,1,学院,计算机学院\nT1,2,年级,2025\n".encode()


def test_old_rank_header_still_imports_as_the_new_one():
    old = importer.read_file("preferences", OLD, filename="old.csv")
    new = importer.read_file("preferences", NEW, filename="new.csv")
    pd.testing.assert_frame_equal(old, new)
    assert list(new["rank"]) == [1, 2]


def test_templates_write_the_new_words():
    ws = load_workbook(io.BytesIO(importer.template_xlsx("preferences"))).active
    headers = [c.value for c in ws[1] if c.value]
    assert "意向顺序(rank)" in headers and not any("志愿" in h for h in headers)
    a = {c.id: c for c in importer.SCHEMAS["assignment"].columns}["preference_rank"]
    assert a.header == "满足意向(preference_rank)" and "满足志愿" in a.aliases
