"""The school's fit model in the app: versions (stored, audit-logged), preview, one-click mapping,
the cadre × class view, bulk lock/forbid rows, and who may do what."""
from __future__ import annotations

import pandas as pd
import pytest

from matching import ConfigError, load_config
from services.access import AccessDenied
from tests.fixtures_app import demo_user

ROLES = ("admin", "leader", "planner", "college", "cadre")


def test_defaults_until_saved_then_versions_in_force(demo_db):
    from services import data, fit_model
    admin = demo_user("admin")
    version, cfg = fit_model.current(admin)
    assert version is None and fit_model.current_config(admin) == load_config(None)
    cfg["weights"]["unit"] = "2.5"
    cfg["unit_affinity"]["图书馆"] = {"学业预警": "1"}
    v = fit_model.save(admin, cfg, "单位加权")
    assert fit_model.current(admin)[0] == v
    now = fit_model.current_config(demo_user("planner"))
    assert str(now.weights["unit"]) == "5/2" and "图书馆" in now.unit_affinity
    hist = fit_model.history(admin)
    assert hist.version.tolist() == [v] and hist.note.tolist() == ["单位加权"]
    audit = data.audit_rows(admin, entity="fit_model")
    assert len(audit) == 1 and audit.iloc[0]["actor"] == admin.username


def test_bad_values_are_refused_naming_the_key_and_nothing_is_saved(demo_db):
    from services import fit_model
    admin = demo_user("admin")
    _, cfg = fit_model.current(admin)
    cfg["affinity"]["就业指导"]["毕业班"] = "很多"
    with pytest.raises(ConfigError) as e:
        fit_model.save(admin, cfg)
    assert "affinity.就业指导.毕业班" in "\n".join(e.value.problems)
    assert fit_model.current(admin)[0] is None


def test_preview_counts_the_pairs_a_change_touches(demo_db):
    from services import data, fit_model
    admin = demo_user("admin")
    _, cfg = fit_model.current(admin)
    assert fit_model.preview(admin, cfg)["pairs_changed"] == 0
    cad = data.load_kind(admin, "cadres")
    cls = data.load_kind(admin, "classes")
    # a unit row: exactly (cadres of the unit) × (classes with the tag) pairs change
    unit = "图书馆"
    n_cad = int((cad.unit == unit).sum())
    n_cls = int(cls.tags.map(lambda t: "新生班" in tuple(t)).sum())
    p = fit_model.preview(admin, fit_model.with_affinity(cfg, "unit", unit, "新生班", 1))
    assert p["pairs_changed"] == n_cad * n_cls > 0
    assert p["cadres_changed"] == n_cad and p["classes_changed"] == n_cls


def test_map_word_removes_the_warning(demo_db):
    from services import fit_model
    admin = demo_user("admin")
    words = {(w.kind, w.word) for w in fit_model.warnings(admin)}
    assert ("expertise", "学风建设") not in words and ("expertise", "党建") in words
    fit_model.map_word(admin, "expertise", "党建", "思想政治教育")
    after = {(w.kind, w.word) for w in fit_model.warnings(admin)}
    assert ("expertise", "党建") not in after and len(after) == len(words) - 1
    fit_model.add_affinity(admin, "unit", "图书馆", "学业预警", 1)
    assert ("unit", "图书馆") not in {(w.kind, w.word) for w in fit_model.warnings(admin)}


def test_grid_and_bulk_rules(demo_db):
    from services import data, fit_grid
    admin = demo_user("admin")
    cls = data.load_kind(admin, "classes")
    tagged = cls[cls.tags.map(lambda t: "心理关注" in tuple(t))]
    college = tagged.college.value_counts().index[0]   # the demo's college with most such classes
    fit, why = fit_grid.grid(admin, colleges=[college], tags=["心理关注"])
    assert fit.shape == why.shape and fit.shape[1] > 0
    want = tagged[tagged.college == college]
    assert sorted(c.split("（")[-1].rstrip("）") for c in fit.columns) == sorted(want.class_id)
    assert len(fit) == len(data.load_kind(admin, "cadres"))
    r, c = next((r, c) for r in fit.index for c in fit.columns if fit.loc[r, c] > 0)
    assert why.loc[r, c] != "无加分项"
    cad = data.load_kind(admin, "cadres").cadre_id.tolist()[:2]
    cls = data.load_kind(admin, "classes").class_id.tolist()[:1]
    rows = fit_grid.bulk_rules(admin, "forbid", cad, cls, "批量回避")
    assert rows[["type", "cadre_id", "class_id"]].values.tolist() == [["forbid", cad[0], cls[0]],
                                                                        ["forbid", cad[1], cls[0]]]
    before = len(data.load_kind(admin, "constraints"))
    assert fit_grid.add_rules(admin, rows) == 2
    assert fit_grid.add_rules(admin, rows) == 0            # already there
    assert len(data.load_kind(admin, "constraints")) == before + 2


def _calls(role):
    from services import fit_grid, fit_model
    u = demo_user(role)
    cfg = fit_model.current(demo_user("admin"))[1]
    return {
        "current_config": (("admin", "planner"), lambda: fit_model.current_config(u)),
        "current": (("admin", "planner"), lambda: fit_model.current(u)),
        "warnings": (("admin", "planner"), lambda: fit_model.warnings(u)),
        "history": (("admin",), lambda: fit_model.history(u)),
        "preview": (("admin",), lambda: fit_model.preview(u, cfg)),
        "save": (("admin",), lambda: fit_model.save(u, cfg)),
        "map_word": (("admin",), lambda: fit_model.map_word(u, "expertise", "党建", "思想政治教育")),
        "grid": (("admin",), lambda: fit_grid.grid(u, colleges=["心理学院"])),
        "bulk_rules": (("admin",), lambda: fit_grid.bulk_rules(u, "lock", ["x"], ["y"])),
        "add_rules": (("admin",), lambda: fit_grid.add_rules(u, pd.DataFrame(columns=["type", "cadre_id", "class_id"]))),
    }


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(demo_db, role):
    for allowed, call in _calls(role).values():
        if role in allowed:
            call()
        else:
            with pytest.raises(AccessDenied):
                call()


def test_config_in_force_follows_the_saved_version(demo_db):
    from services import fit_model
    admin = demo_user("admin")
    assert fit_model.config_in_force() == load_config(None)
    _, cfg = fit_model.current(admin)
    cfg["objective"] = "fair"
    fit_model.save(admin, cfg)
    assert fit_model.config_in_force().objective == "fair" == fit_model.current_config(admin).objective


def test_rounds_snapshot_the_fit_model_in_force(demo_db):
    from services import fit_model, solve_params
    admin = demo_user("admin")
    old = solve_params.default_params()
    assert old["fit_model"]["version"] is None
    _, cfg = fit_model.current(admin)
    cfg["unit_affinity"] = {"图书馆": {"学业预警": "4"}}
    cfg["weights"]["unit"] = "2"
    v = fit_model.save(admin, cfg)
    new = solve_params.default_params()
    assert new["fit_model"]["version"] == v and new["weights"]["unit"] == 2.0
    made = solve_params.make_config(new)
    assert made.unit_affinity == {"图书馆": {"学业预警": 4}} and made.weights["unit"] == 2
    # a round created before keeps what it was created with
    assert solve_params.make_config(old).unit_affinity == load_config(None).unit_affinity
    assert solve_params.make_config({k: v for k, v in old.items() if k != "fit_model"}) == \
        solve_params.make_config(old)
