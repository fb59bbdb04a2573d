"""Specifications for panel parsing, validation and period splitting."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from realimpact.evaluate._panel import parse_time, read_table, split_periods, validate_panel
from realimpact.exceptions import ConfigError


def test_parse_time_sorts_month_strings_and_counts_positions_in_months() -> None:
    idx = parse_time(["2023-03", "2023-01", "2023-03"])
    assert idx.labels == ("2023-01", "2023-03")
    assert idx.positions == (0, 2)
    assert idx.frequency == "monthly"
    assert idx.months == (1, 3)


@pytest.mark.parametrize(
    "values",
    [
        pd.period_range("2020-01", periods=3, freq="M"),
        pd.to_datetime(["2020-01-15", "2020-02-01", "2020-03-31"]),
        ["2020-01", "2020-02", "2020-03"],
    ],
    ids=["periods", "dates", "strings"],
)
def test_parse_time_labels_any_monthly_input_as_year_month(values: object) -> None:
    idx = parse_time(values)  # type: ignore[arg-type]
    assert idx.labels == ("2020-01", "2020-02", "2020-03")


def test_parse_time_sorts_integer_and_numeric_string_labels_by_value() -> None:
    assert parse_time([10, 2, 1]).labels == ("1", "2", "10")
    assert parse_time(["10", "2", "1"]).labels == ("1", "2", "10")
    assert parse_time([10, 2, 1]).frequency == "other"


def _panel() -> pd.DataFrame:
    months = [f"2023-{m:02d}" for m in range(1, 7)]
    return pd.DataFrame({"area": ["a"] * 6 + ["b"] * 6, "month": months * 2, "n": list(range(12))})


def test_validate_panel_reports_every_problem_with_row_column_and_fix() -> None:
    df = _panel()
    df["n"] = df["n"].astype(object)
    df.loc[2, "n"] = "x"
    df.loc[3, "n"] = -1
    df.loc[4, "n"] = None
    df.loc[7, "month"] = "2023-01"
    with pytest.raises(ConfigError) as info:
        validate_panel(df, unit="area", time="month", outcome="n")
    probs = info.value.problems
    assert {(p.row, p.column) for p in probs} == {(4, "n"), (5, "n"), (6, "n"), (9, "month")}
    assert all(p.fix for p in probs)


def test_validate_panel_suggests_close_column_name() -> None:
    with pytest.raises(ConfigError) as info:
        validate_panel(_panel(), unit="areas", time="month", outcome="n", covariates=["pop"])
    msgs = [p.message for p in info.value.problems]
    assert len(msgs) == 2
    assert "Did you mean 'area'" in msgs[0]


def test_validate_panel_rejects_start_outside_range_and_too_few_pre_periods() -> None:
    with pytest.raises(ConfigError, match="not a period"):
        validate_panel(_panel(), unit="area", time="month", outcome="n", start="2024-01")
    with pytest.raises(ConfigError, match="only 1 period"):
        validate_panel(_panel(), unit="area", time="month", outcome="n", start="2023-02")


def test_validate_panel_returns_sorted_float_copy_with_labels() -> None:
    df = _panel().iloc[::-1]
    out = validate_panel(df, unit="area", time="month", outcome="n")
    assert out["n"].dtype == float
    assert list(out["_t"][:2]) == ["2023-01", "2023-02"]
    assert list(out["_pos"][:2]) == [0, 1]
    assert len(df) == 12  # input untouched


def test_split_periods_gives_pre_and_post_up_to_end() -> None:
    split = split_periods(parse_time(_panel()["month"]), "2023-04", "2023-05")
    assert split.pre == ("2023-01", "2023-02", "2023-03")
    assert split.post == ("2023-04", "2023-05")


def test_split_periods_rejects_end_before_start() -> None:
    with pytest.raises(ConfigError, match="before start"):
        split_periods(parse_time(_panel()["month"]), "2023-05", "2023-04")


def test_read_table_finds_semicolon_tab_and_space_delimiters(tmp_path: Path) -> None:
    texts = {
        "semi.csv": "State;Year;Packs\nOhio;1970;1.5\n",
        "tab.csv": "State\tYear\tPacks\nOhio\t1970\t1.5\n",
        "space.csv": '"State" "Year" "Packs"\n"Ohio" 1970 1.5\n',
        "comma.csv": "\ufeffState,Year,Packs\nOhio,1970,1.5\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        frame = read_table(tmp_path / name)
        assert list(frame.columns) == ["State", "Year", "Packs"], name
        assert frame["Packs"].iloc[0] == 1.5, name


def test_read_table_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        read_table(tmp_path / "nope.csv")
    assert info.value.problems[0].file == str(tmp_path / "nope.csv")


def test_monthly_dates_with_one_date_per_month_stay_monthly() -> None:
    index = parse_time(["2020-01-01", "2020-02-01", "2020-03-01"])
    assert index.frequency == "monthly"
    assert index.labels == ("2020-01", "2020-02", "2020-03")
