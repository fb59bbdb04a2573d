"""Unit costs, operation costs and the benefit-cost ratio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from realimpact.evaluate.costs import (
    AvoidedCrimes,
    CostTable,
    OperationCost,
    UnitCost,
    load_unit_costs,
    value_for_money,
)
from realimpact.exceptions import ConfigError

POLICE_UK = {
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
}


def test_shipped_table_covers_every_police_uk_category_with_a_status() -> None:
    table = load_unit_costs()
    assert {e.category for e in table.entries} == POLICE_UK
    assert all(
        e.status in {"verified", "secondary", "unverified", "missing"} for e in table.entries
    )
    assert "Table 1 p.15" in table.citation


def test_shipped_table_never_claims_a_value_is_verified() -> None:
    # The Home Office publication was not available: nothing may be marked verified.
    assert not any(e.status == "verified" for e in load_unit_costs().entries)


def test_activity_offences_have_no_cost() -> None:
    table = load_unit_costs()
    for cat in ("Drugs", "Possession of weapons"):
        entry = table.get(cat)
        assert entry is not None and entry.cost_gbp is None


def test_operation_reduction_three_pounds_per_pound_is_reproducible_from_its_inputs(
    tmp_path: Path,
) -> None:
    # The report (Appendix B, Operation Reduction; seed text line 1386) gives only the result:
    # "for every £1 spent they saved £3 on crime costs". Brown et al. (2008) inputs are not in
    # the report, so a user enters theirs: here an operation of 2,000 staff hours at £40 plus
    # £20,000 other costs (£100,000) and 50 burglaries and 5 robberies avoided, priced with the
    # user's own cost table (£4,000 and £20,000 per crime).
    costs = tmp_path / "costs.csv"
    costs.write_text(
        "category,cost_gbp,price_year,source\nBurglary,4000,2007/08,user\n"
        "Robbery,20000,2007/08,user\n"
    )
    vfm = value_for_money(
        {"Burglary": AvoidedCrimes(50, 50, 50), "Robbery": AvoidedCrimes(5, 5, 5)},
        operation_cost=OperationCost(staff_hours=2000, hourly_rate=40, other_costs=20_000),
        unit_costs=load_unit_costs(costs),
    )
    assert vfm.bcr == pytest.approx(3.0)
    assert vfm.sentence().startswith("For every £1 spent, £3.00 of crime costs avoided")
    assert vfm.unverified == ()


def test_bcr_interval_is_propagated_from_the_effect_interval_and_seeded() -> None:
    table = CostTable("t", (UnitCost("Burglary", 1000.0, "2015/16", "user"),))
    avoided = {"Burglary": AvoidedCrimes(40, 20, 60)}
    a = value_for_money(avoided, operation_cost=10_000, unit_costs=table, seed=1)
    b = value_for_money(avoided, operation_cost=10_000, unit_costs=table, seed=1)
    assert a.bcr == pytest.approx(4.0)
    assert (a.bcr_low, a.bcr_high) == (b.bcr_low, b.bcr_high)
    # Independent computation: crimes ~ Normal(40, 10.2) -> BCR 4 -/+ 2 (Monte Carlo tol 0.1)
    assert a.bcr_low == pytest.approx(2.0, abs=0.1)
    assert a.bcr_high == pytest.approx(6.0, abs=0.1)


def test_value_for_money_says_which_costs_are_unverified() -> None:
    vfm = value_for_money(
        {"Robbery": AvoidedCrimes(3, 1, 5), "Drugs": AvoidedCrimes(-10, -20, 0)},
        operation_cost=5_000,
    )
    assert vfm.unverified == ("Robbery",)
    assert "Drugs" in vfm.not_costed
    assert "NOT VERIFIED" in vfm.summary()
    assert vfm.to_dict()["sentence"] == vfm.sentence()


def test_user_cost_table_errors_name_row_column_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("category,cost_gbp,status\nBurglary,abc,user\nRobbery,100,guess\n,5,user\n")
    with pytest.raises(ConfigError) as exc:
        load_unit_costs(bad)
    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {(2, "cost_gbp"), (3, "status"), (4, "category")}
    assert all(p.file == "bad.csv" and p.fix for p in exc.value.problems)


def test_user_cost_table_missing_column_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("crime,cost\nBurglary,5\n")
    with pytest.raises(ConfigError) as exc:
        load_unit_costs(bad)
    assert {p.column for p in exc.value.problems} == {"category", "cost_gbp"}


def test_uprating_uses_the_ratio_of_index_values() -> None:
    table = CostTable("t", (UnitCost("Burglary", 1000.0, "2015/16", "user"),))
    up = table.uprated("2023/24", {"2015/16": 80.0, "2023/24": 100.0})
    entry = up.get("Burglary")
    assert entry is not None and entry.cost_gbp == pytest.approx(1250.0)
    with pytest.raises(ConfigError):
        table.uprated("2030/31", {"2015/16": 80.0})


def test_operation_cost_rejects_negative_values() -> None:
    with pytest.raises(ConfigError) as exc:
        OperationCost(staff_hours=-1, hourly_rate=float("nan"))
    assert {p.column for p in exc.value.problems} == {"staff_hours", "hourly_rate"}


def test_avoided_crimes_from_effect_flips_sign_and_scales_by_periods() -> None:
    a = AvoidedCrimes.from_effect(-2.0, -3.0, -1.0, periods=6)
    assert (a.estimate, a.ci_low, a.ci_high) == (12.0, 6.0, 18.0)
    assert np.isclose(a.sd, 6.0 / 1.959964)
