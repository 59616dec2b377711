"""Unit affinity: [unit_affinity."<unit>"] "<tag>" = value adds part_unit (× weights.unit)."""
from __future__ import annotations

from fractions import Fraction

import pytest
from test_matching_support import cadres, classes

from matching import ConfigError, MatchingInput, load_config, solve


def run(cfg, units=("招生就业处", "财务处")):
    cad = cadres([("A", "head", 1, units[0]), ("B", "head", 1, units[1])])
    cls = classes([("G", "甲院", False, ("毕业班",)), ("N", "乙院", False, ("新生班",))])
    return solve(MatchingInput(cad, cls), cfg)


def test_default_unit_affinity_draws_admissions_office_to_graduating_class():
    res = run(load_config(None))
    a = res.assignment.set_index("cadre_id")
    assert a.loc["A", "class_id"] == "G"
    assert a.loc["A", "part_unit"] == 2.0 and a.loc["A", "score"] == 2.0
    assert "单位「招生就业处」对应标签「毕业班」+2" in a.loc["A", "reason"]


def test_unit_weight_and_user_table(tmp_path):
    f = tmp_path / "w.toml"
    f.write_text('[weights]\nunit = 0.5\n[unit_affinity."财务处"]\n"毕业班" = 7\n', encoding="utf-8")
    cfg = load_config(f)
    # the user's table replaces the default one whole: 招生就业处 no longer counts
    assert set(cfg.unit_affinity) == {"财务处"} and cfg.weights["unit"] == Fraction(1, 2)
    a = run(cfg).assignment.set_index("cadre_id")
    assert a.loc["B", "class_id"] == "G" and a.loc["B", "part_unit"] == 3.5
    assert a.loc["A", "part_unit"] == 0.0


def test_alias_maps_a_unit_and_unit_weight_zero_switches_it_off(tmp_path):
    f = tmp_path / "w.toml"
    f.write_text('[aliases]\n"招就处" = "招生就业处"\n', encoding="utf-8")
    a = run(load_config(f), units=("招就处", "财务处")).assignment.set_index("cadre_id")
    assert a.loc["A", "part_unit"] == 2.0
    cfg = load_config(None)
    off = cfg.replace(weights={**cfg.weights, "unit": Fraction(0)})
    assert run(off).assignment.part_unit.eq(0).all()


def test_bad_unit_affinity_is_a_config_error(tmp_path):
    f = tmp_path / "w.toml"
    f.write_text('[unit_affinity."教务处"]\n"学业预警" = "很多"\n[aliases]\n"x" = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(f)
    text = "\n".join(e.value.problems)
    assert "unit_affinity.教务处.学业预警" in text and "aliases.x" in text
