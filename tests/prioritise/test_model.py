"""Scoring models are configuration: presets load, carry their status, and bad files fail well."""

from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.exceptions import ConfigError
from realimpact.prioritise import available_presets, load_model, load_preset


def test_both_presets_ship_and_validate() -> None:
    assert set(available_presets()) == {"morile-style", "ukdpc"}
    for name in available_presets():
        model = load_preset(name)
        assert abs(sum(model.default_weights().values()) - 1.0) < 1e-12


def test_morile_preset_is_labelled_as_unofficial() -> None:
    model = load_preset("morile-style")
    assert "not the official NPCC tool" in model.status
    assert "no official status" in model.status
    ids = set(model.dimension_ids)
    assert {
        "harm_physical",
        "harm_psychological",
        "harm_financial",
        "harm_community_environment",
        "geographic_scope",
        "victim_vulnerability",
        "likelihood",
        "organisational_position",
    } <= ids


def test_ukdpc_preset_covers_the_reports_criteria_and_derives_harms_per_type() -> None:
    model = load_preset("ukdpc")
    derived = {d.harms.type for d in model.scored if d.harms is not None}
    assert derived == {"health", "social", "economic", "environmental"}
    assert {
        "community_concern",
        "partner_priority",
        "vulnerability",
        "likelihood_trend",
        "ability_to_impact",
        "market_newness",
    } <= set(model.dimension_ids)
    assert model.dimension("confidence").role == "info"  # shown, not weighted


def test_invalid_model_file_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text(
        "id: m\nname: m\nstatus: s\ndimensions:\n"
        "  - {id: Bad-Id, label: x}\n"
        "  - {id: ok, label: y, weight: -1}\n"
        "  - {id: z, label: z, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_model(bad)
    problems = info.value.problems
    assert all(p.file == str(bad) for p in problems)
    columns = {p.column for p in problems}
    assert {"dimensions.0.id", "dimensions.1.weight", "dimensions.2.colour"} <= columns
    assert all(p.fix for p in problems)


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="unknown scoring preset") as info:
        load_preset("morile")
    assert "ukdpc" in info.value.problems[0].fix
