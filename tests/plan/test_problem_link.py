"""The plan answers its problem profile (stage 1): harms drafted from it, gaps noted."""

from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.data.areas import area_from_lsoas, save_area
from realimpact.define import HarmAssessment, ProblemProfile, save_profile
from realimpact.exceptions import ConfigError
from realimpact.plan import check_plan, draft_plan
from realimpact.workspace import Workspace, open_workspace

HARMS = ("social.community.victim-of-crime-asb", "social.community.no-go-areas")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = open_workspace(tmp_path / "ws")
    profile = ProblemProfile(
        name="open-market",
        title="Open market in the centre",
        harm_scores=tuple(HarmAssessment(id=h, extent=3, seriousness=4) for h in HARMS),
    )
    save_profile(ws, profile)
    return ws


def test_draft_targets_the_problem_profiles_harms_when_none_are_given(
    workspace: Workspace,
) -> None:
    from realimpact.define import load_profile

    profile = load_profile(workspace, "open-market")
    plan = draft_plan(
        "p", area="centre", problem="open-market", responses=["hot-spots"], profile=profile
    )
    assert tuple(t.harm for t in plan.targeted_harms) == HARMS


def test_a_draft_with_no_harm_at_all_is_refused() -> None:
    with pytest.raises(ConfigError, match="targets no harm"):
        draft_plan("p", area="a", problem="x", responses=["cctv"])


def test_check_notes_profile_harms_the_plan_leaves_out_and_unsaved_areas(
    workspace: Workspace,
) -> None:
    plan = draft_plan(
        "p", area="centre", problem="open-market", harms=[HARMS[0]], responses=["hot-spots"]
    )
    check = check_plan(plan, workspace)
    assert any(HARMS[1] in n and "neither targets nor monitors" in n for n in check.notes)
    assert any("area 'centre' is not saved" in w for w in check.warnings)
    save_area(workspace, area_from_lsoas("centre", ["E01012068"]))
    assert not any("not saved" in w for w in check_plan(plan, workspace).warnings)
    other = plan.model_copy(update={"problem": "no-such-problem"})
    assert any("no problem profile named" in n for n in check_plan(other, workspace).notes)
