"""OCG matrix: Sleipnir-style preset, unknowns as gaps, harm score, and no leaks of nominals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realimpact.exceptions import ConfigError
from realimpact.prioritise import (
    AccessDeniedError,
    OcgHarm,
    OrganisedCrimeGroup,
    Rating,
    Viewer,
    load_ocg_preset,
    load_ocgs,
    score_ocgs,
    sensitive_fields,
)

SECRETS = ("Fictional Name One", "Fictional Person A", "exploits children")


def test_preset_has_the_19_attributes_and_says_it_is_reconstructed() -> None:
    preset = load_ocg_preset()
    assert [a.rank for a in preset.attributes] == list(range(1, 20))
    assert preset.attributes[0].id == "corruption" and preset.attributes[0].points == 19
    assert preset.attributes[-1].id == "links_to_extremists"
    assert "Reconstructed from secondary sources" in preset.status
    assert all(a.verification.startswith("secondary") for a in preset.attributes)


def _group(
    gid: str, ratings: dict[str, Rating], harms: tuple[OcgHarm, ...] = ()
) -> OrganisedCrimeGroup:
    full = {a.id: Rating.NIL for a in load_ocg_preset().attributes} | ratings
    return OrganisedCrimeGroup(gid, gid, full, harms)


def test_attribute_score_matches_hand_computation_and_unknown_is_a_range() -> None:
    # corruption (P 19) High = 76; violence (P 18) Unknown: 0..72, point 36 (as Medium)
    g = _group("g", {"corruption": Rating.HIGH, "violence": Rating.UNKNOWN})
    (s,) = score_ocgs([g]).scores
    assert (s.attribute_low, s.attribute_score, s.attribute_high) == (76, 112, 148)
    assert s.gaps == ("violence",)


def test_unknown_is_never_silently_zero_and_missing_attributes_count_as_unknown(
    examples: Path,
) -> None:
    groups = {g.id: g for g in load_ocgs(examples / "ocg_groups.yaml")}
    c = groups["OCG-03"]  # lists 6 of 19 attributes
    assert sum(r is Rating.UNKNOWN for r in c.ratings.values()) == 13
    result = score_ocgs(list(groups.values()))
    assert len(result.intelligence_gaps["OCG-03"]) == 13
    s = next(s for s in result.scores if s.group.id == "OCG-03")
    assert s.attribute_low < s.attribute_score < s.attribute_high


def test_harm_score_and_disagreement_between_the_two_rankings() -> None:
    a = _group(
        "a", {"corruption": Rating.HIGH}, (OcgHarm("social.national.corruption", 1),)
    )  # 1 x 3
    b = _group(
        "b",
        {"violence": Rating.LOW},
        (
            OcgHarm("social.community.no-go-areas", 4),  # 4 x 2
            OcgHarm("health.individual.overdose-death", 2),
        ),
    )  # 2 x 1
    result = score_ocgs([a, b])
    by = {s.group.id: s for s in result.scores}
    assert (by["a"].harm_score, by["b"].harm_score) == (3.0, 10.0)
    assert (by["a"].attribute_rank, by["a"].harm_rank) == (1, 2)
    assert by["a"].rank_difference == 1 and by["b"].rank_difference == -1
    assert result.kendall_tau == pytest.approx(-1.0)


def test_sensitive_fields_are_marked_and_never_leak_by_default(examples: Path) -> None:
    assert set(sensitive_fields(OrganisedCrimeGroup)) == {
        "real_name",
        "nominals",
        "intelligence_notes",
    }
    result = score_ocgs(load_ocgs(examples / "ocg_groups.yaml"))
    exports = [
        json.dumps(result.to_dict()),
        result.to_csv(),
        result.summary(),
        result.to_markdown(),
    ]
    for text in exports:
        assert not any(secret in text for secret in SECRETS)
        assert "nominals" not in text and "real_name" not in text


def test_sensitive_export_needs_an_allowed_role(examples: Path) -> None:
    result = score_ocgs(load_ocgs(examples / "ocg_groups.yaml"))
    for viewer in (None, Viewer("pat", "analyst"), Viewer("pat", "viewer")):
        with pytest.raises(AccessDeniedError):
            result.to_dict(include_sensitive=True, viewer=viewer)
    for role in ("analyst-vetted", "admin"):
        data = result.to_dict(include_sensitive=True, viewer=Viewer("kim", role))
        assert data["groups"][0]["nominals"] == ["Fictional Person A", "Fictional Person B"]
        assert "Fictional Person A" in result.to_markdown(
            include_sensitive=True, viewer=Viewer("kim", role)
        )
        assert "Fictional Name One" in result.to_csv(
            include_sensitive=True, viewer=Viewer("kim", role)
        )


def test_invalid_groups_file_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "groups:\n  - id: G1\n    label: one\n    attributes: {violence: Very high, colour: Low}\n"
        "    harms: [{id: social.community.no-go-areas, severity: 9}]\n"
        "  - id: G1\n    label: two\n  - label: three\n    phone: '0123'\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_ocgs(path)
    cols = {(p.entry, p.column) for p in info.value.problems}
    assert {
        ("G1", "attributes.violence"),
        ("G1", "attributes.colour"),
        ("G1", "harms.0.severity"),
        ("#3", "phone"),
        ("#3", "id"),
    } <= cols
    assert any("more than once" in p.message for p in info.value.problems)
