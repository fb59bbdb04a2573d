"""Problem profiles: Table 4.2 as a profile, the stored format, and precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from realimpact.define import (
    MarketOpenness,
    ProblemProfile,
    load_profile,
    read_profile_file,
    save_profile,
    table_4_2_profile,
    validate_profile,
)
from realimpact.exceptions import ConfigError, NotFoundError
from realimpact.framework import load_knowledge_base
from realimpact.prioritise import ProblemLike
from realimpact.workspace import open_workspace

EXAMPLE = Path(__file__).parents[2] / "examples" / "define" / "open-market.yaml"


def test_table_4_2_loads_as_a_profile_with_every_chain_of_the_report() -> None:
    kb = load_knowledge_base()
    profile = table_4_2_profile(kb)
    assert len(profile.chains) == len(kb.harm_chains) == 25
    assert [c.source for c in profile.chains] == [c.id for c in kb.harm_chains]
    by_id = {c.id: c for c in kb.harm_chains}
    for chain in profile.chains:
        original = by_id[chain.source]
        assert chain.characteristic == original.problem
        assert chain.resultant_harm == original.resultant_harm
        assert chain.experienced_by == original.experienced_by
        assert chain.harm_ids == original.harm_ids
    assert {c.characteristic for c in profile.chains} == {
        "Visible drug dealing",
        "Use in public areas",
        "Unsafe injecting practices",
        "Open nature of the market",
    }
    assert profile.openness is MarketOpenness.OPEN
    assert all(kb.has_harm(h) for h in profile.harm_ids())


def test_table_4_2_profile_saves_and_loads_unchanged(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    profile = table_4_2_profile()
    path = save_profile(ws, profile)
    assert path == ws.root / "problems" / "table-4-2-open-market.yaml"
    assert load_profile(ws, profile.name) == profile


def test_a_profile_is_a_prioritise_problem_with_harm_scores() -> None:
    profile = read_profile_file(EXAMPLE)
    assert isinstance(profile, ProblemLike)
    harm = profile.harms[0]
    assert harm.harm_id == "social.community.fear-of-crime-anti-social-behaviour-asb"
    assert (harm.extent.low, harm.extent.mode, harm.extent.high) == (3.0, 3.5, 4.0)
    assert profile.harms[3].extent.low == 0.0  # 'unknown' is the whole 0-4 scale


def test_every_problem_of_a_bad_profile_is_reported_with_field_and_fix(tmp_path: Path) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["openness"] = "wide-open"
    raw["colour"] = "red"
    raw["answers"]["wher-02"] = "typo"
    raw["harm_scores"][0]["id"] = "social.community.fear-of-crime"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_profile_file(bad)
    columns = {p.column for p in err.value.problems}
    assert {"openness", "colour"} <= columns
    assert all(p.file == str(bad) and p.fix for p in err.value.problems)
    raw.pop("colour")
    raw["openness"] = "open"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_profile_file(bad)
    by_column = {p.column: p for p in err.value.problems}
    assert "where-02" in by_column["answers.wher-02"].fix
    assert "fear-of-crime-anti-social-behaviour-asb" in by_column["harm_scores.0.id"].fix
    assert by_column["harm_scores.0.id"].entry == "boro-centre"


def test_problems_of_a_profile_file_name_the_line_of_their_field(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    at = {ln.split(":")[0]: i for i, ln in enumerate(lines, start=1) if ":" in ln}
    item = next(i for i, ln in enumerate(lines, start=1) if "poor-child-welfare, extent" in ln)
    text = "\n".join(lines).replace("openness: open", "openness: wide-open")
    text = text.replace("health.family.poor-child-welfare, extent", "health.family.nope, extent")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_profile_file(bad)
    # a shape error and a reference error of another field come in the same error
    assert [(p.column, p.row) for p in err.value.problems] == [
        ("openness", at["openness"]),
        ("harm_scores.1.id", item),
    ]


def test_a_score_outside_0_to_4_is_an_error_naming_the_field() -> None:
    raw = {
        "name": "x",
        "harm_scores": [
            {"id": "health.individual.overdose-death", "extent": 5, "seriousness": [1, 2]}
        ],
    }
    with pytest.raises(ConfigError) as err:
        validate_profile(raw)
    assert [p.column for p in err.value.problems] == ["harm_scores.0.extent"]


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nopenness: [open\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_profile_file(bad)
    assert err.value.problems[0].row is not None


def test_an_area_not_saved_in_the_workspace_is_an_error(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    with pytest.raises(ConfigError) as err:
        save_profile(ws, ProblemProfile(name="p", area="nowhere"))
    assert err.value.problems[0].column == "area"
    assert "realimpact area add nowhere" in err.value.problems[0].fix


def test_an_invalid_save_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    path = save_profile(ws, ProblemProfile(name="p", title="first"))
    before = path.read_bytes()
    broken = ProblemProfile(name="p", title="second", answers={"nope-99": "x"})
    with pytest.raises(ConfigError):
        save_profile(ws, broken, overwrite=True)
    with pytest.raises(ConfigError):  # exists, no overwrite
        save_profile(ws, ProblemProfile(name="p", title="third"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["p.yaml"]


def test_loading_an_unknown_problem_lists_the_saved_ones(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    save_profile(ws, ProblemProfile(name="alpha"))
    with pytest.raises(NotFoundError, match="alpha"):
        load_profile(ws, "beta")
