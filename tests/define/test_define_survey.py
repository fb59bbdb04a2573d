"""Surveys: import, indicators vs hand computation, Wilson vs statsmodels, weights, errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

from realimpact.define import (
    community_weights,
    import_survey,
    indicators,
    list_surveys,
    load_survey,
    read_survey_csv,
    wilson_interval,
)
from realimpact.exceptions import ConfigError, NotFoundError
from realimpact.prioritise import PartnerWeights, load_preset
from realimpact.workspace import open_workspace

EXAMPLE = Path(__file__).parents[2] / "examples" / "define" / "residents_survey.csv"


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _read_example() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("x", "n"), [(0, 10), (3, 12), (28, 38), (81, 263), (50, 50)])
def test_wilson_interval_matches_statsmodels(x: int, n: int) -> None:
    lo, hi = wilson_interval(x, n)
    ref = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert (lo, hi) == pytest.approx(ref, abs=1e-12)


def test_item_indicators_match_a_hand_count_of_the_csv() -> None:
    rows = _read_example()
    got = {i.id: i for i in indicators(read_survey_csv(EXAMPLE))}
    answers = [r["psa25_drug_problem"] for r in rows]
    valid = [a for a in answers if a and a != "Don't know"]
    yes = sum(a in {"A very big problem", "A fairly big problem"} for a in valid)
    ind = got["psa25_drug_problem"]
    assert (ind.count, ind.n, ind.dont_know) == (yes, len(valid), answers.count("Don't know"))
    assert ind.proportion == pytest.approx(yes / len(valid))
    conf = [r["psa23_confidence"] for r in rows if r["psa23_confidence"] not in ("", "Don't know")]
    agree = sum(a.startswith("Agree") for a in conf)
    assert (got["psa23_confidence"].count, got["psa23_confidence"].n) == (agree, len(conf))
    litter = got["local_litter"]
    assert litter.missing == sum(r["local_litter"] == "" for r in rows)


def test_free_text_concerns_are_counted_per_tagged_harm() -> None:
    rows = _read_example()
    hid = "environmental.community.degradation-of-neighbourhoods-e-g"
    got = {i.id: i for i in indicators(read_survey_csv(EXAMPLE))}[f"concern:{hid}"]
    assert got.count == sum(hid in r["concern_harms"].split(";") for r in rows)
    assert got.n == len(rows)


def test_small_samples_and_small_cells_are_warned(tmp_path: Path) -> None:
    rows = [["respondent", "local_afraid"]] + [[f"r{i}", "Agree strongly"] for i in range(8)]
    rows += [["r9", "Disagree strongly"]]
    ind = indicators(read_survey_csv(_write(tmp_path / "s.csv", rows)))[0]
    assert any("n = 9 < 30" in w for w in ind.warnings)
    assert any("fewer than 5" in w for w in ind.warnings)


def test_codes_ids_and_alternative_spellings_are_accepted(tmp_path: Path) -> None:
    rows = [
        ["respondent", "psa23_confidence"],
        ["a", "1"],
        ["b", "Tend to agree"],
        ["c", "disagree-strongly"],
        ["d", "DK"],
        ["e", ""],
    ]
    ind = indicators(read_survey_csv(_write(tmp_path / "s.csv", rows)))[0]
    assert (ind.count, ind.n, ind.dont_know, ind.missing) == (2, 3, 1, 1)


def test_community_weights_follow_the_documented_method() -> None:
    survey = read_survey_csv(EXAMPLE)
    cw = community_weights(survey)
    got = {i.id: i for i in indicators(survey)}
    # degradation: the local_litter item's concern share and its free-text share, averaged
    hid = "environmental.community.degradation-of-neighbourhoods-e-g"
    expected = (got["local_litter"].proportion + got[f"concern:{hid}"].proportion) / 2
    assert cw.concern[hid] == pytest.approx(expected)
    # confidence: concern is the share who DISAGREE the agencies deal with what matters
    conf = got["psa23_confidence"]
    assert cw.concern["social.family.loss-of-confidence-in-authorities"] == pytest.approx(
        1 - (conf.count + 0) / conf.n
    )
    assert sum(cw.weights.values()) == pytest.approx(1.0)
    total = sum(cw.concern.values())
    assert cw.weights[hid] == pytest.approx(cw.concern[hid] / total)


def test_community_weights_plug_into_prioritise_as_a_partner() -> None:
    model = load_preset("ukdpc")
    vec = community_weights(read_survey_csv(EXAMPLE)).for_model(model)
    defaults = model.default_weights()
    harm_dims = [d.id for d in model.scored if d.harms is not None]
    assert sum(vec[d] for d in harm_dims) == pytest.approx(sum(defaults[d] for d in harm_dims))
    assert vec["community_concern"] == defaults["community_concern"]
    pw = PartnerWeights.from_mapping(model, {"community": vec})
    assert pw.dimensions == model.dimension_ids


def test_a_bad_csv_reports_every_problem_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        ["respondent", "psa25_drug_problem", "psa25_drug_problme", "concern_harms"],
        ["a", "A very big problem", "", ""],
        ["a", "Quite big", "", "health.individual.overdose"],
        ["", "3", "", ""],
    ]
    with pytest.raises(ConfigError) as err:
        read_survey_csv(_write(tmp_path / "bad.csv", rows))
    found = {(p.row, p.column) for p in err.value.problems}
    assert (None, "psa25_drug_problme") in found  # unknown column
    assert (3, "respondent") in found  # duplicate
    assert (3, "psa25_drug_problem") in found  # not on the scale
    assert (3, "concern_harms") in found  # unknown harm
    assert (4, "respondent") in found  # empty id
    unknown = next(p for p in err.value.problems if p.column == "psa25_drug_problme")
    assert "psa25_drug_problem" in unknown.fix
    assert all(p.file == str(tmp_path / "bad.csv") for p in err.value.problems)


def test_import_stores_the_survey_and_a_bad_import_changes_nothing(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    survey = import_survey(ws, EXAMPLE, name="residents")
    folder = ws.root / "surveys"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    loaded = load_survey(ws, "residents")
    assert loaded.answers == survey.answers and loaded.concerns == survey.concerns
    assert list_surveys(ws) == ["residents"]
    bad = _write(tmp_path / "bad.csv", [["respondent", "local_afraid"], ["x", "maybe"]])
    with pytest.raises(ConfigError):
        import_survey(ws, bad, name="residents", overwrite=True)
    with pytest.raises(ConfigError, match="already exists"):
        import_survey(ws, EXAMPLE, name="residents")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_windows_1252_file_is_refused_with_the_row_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("respondent,concern_text\nr1,ok\nr2,caf\u00e9 dealing\n".encode("cp1252"))
    with pytest.raises(ConfigError) as err:
        read_survey_csv(path)
    assert err.value.problems[0].row == 3
    assert "CSV UTF-8" in err.value.problems[0].fix


def test_ragged_rows_and_repeated_columns_are_reported(tmp_path: Path) -> None:
    rows = [["respondent", "local_afraid", "local_afraid"], ["r1", "1", "2", "extra"]]
    with pytest.raises(ConfigError) as err:
        read_survey_csv(_write(tmp_path / "r.csv", rows))
    found = {(p.row, p.column) for p in err.value.problems}
    assert (1, "local_afraid") in found
    assert (2, None) in found


def test_a_subset_by_area_holds_only_that_areas_respondents(tmp_path: Path) -> None:
    rows = [
        ["respondent", "area", "local_afraid"],
        ["a", "north", "1"],
        ["b", "south", "4"],
        ["c", "north", "4"],
    ]
    survey = read_survey_csv(_write(tmp_path / "s.csv", rows))
    north = survey.subset("north")
    assert north.respondents == ("a", "c")
    ind = indicators(north)[0]
    assert (ind.count, ind.n) == (1, 2)
    with pytest.raises(NotFoundError, match="north, south"):
        survey.subset("east")
