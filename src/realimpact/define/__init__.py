"""Stage 1: define drug problems by their market characteristics and the harms they cause.

Problem profiles (:class:`ProblemProfile`, stored as YAML in ``<workspace>/problems/``)
with harm chains (Table 4.2 loads as a profile: :func:`table_4_2_profile`), rule-based
harm suggestions with the report's reasons (:func:`suggest_harms`, :func:`decide`),
measured baselines from the observation store (:func:`compute_baseline`), and community
surveys (:func:`import_survey`) with Wilson-interval indicators (:func:`indicators`) and
community weights over harms (:func:`community_weights`) that plug into
:func:`realimpact.prioritise.prioritise`.
"""

from realimpact.define.baseline import Baseline, BaselineRow, compute_baseline, linear_trend
from realimpact.define.community import CommunityWeights, community_weights
from realimpact.define.export import problems_document, weights_document, write_yaml
from realimpact.define.indicators import Indicator, indicators, wilson_interval
from realimpact.define.profile import (
    HarmAssessment,
    ProblemProfile,
    ProfileChain,
    SuggestionDecision,
    table_4_2_profile,
)
from realimpact.define.scoring import apply_extents, concern_score, harm_extents, poisson_interval
from realimpact.define.store import (
    check_profile,
    list_profiles,
    load_profile,
    profile_path,
    read_profile_file,
    save_profile,
    validate_profile,
)
from realimpact.define.suggest import (
    HarmSuggestion,
    SuggestionRule,
    decide,
    load_rules,
    suggest_harms,
    suggestion_notes,
)
from realimpact.define.survey import Concern, Survey, read_survey_csv
from realimpact.define.survey_items import Catalogue, SurveyItem, load_catalogue
from realimpact.define.survey_store import import_survey, list_surveys, load_survey, save_survey
from realimpact.define.vocab import LocationFeature, MarketOpenness, MarketSetting, Maturity
from realimpact.define.workflow import attach_baseline, review_harms

__all__ = [
    "Baseline",
    "BaselineRow",
    "Catalogue",
    "CommunityWeights",
    "Concern",
    "HarmAssessment",
    "HarmSuggestion",
    "Indicator",
    "LocationFeature",
    "MarketOpenness",
    "MarketSetting",
    "Maturity",
    "ProblemProfile",
    "ProfileChain",
    "SuggestionDecision",
    "SuggestionRule",
    "Survey",
    "SurveyItem",
    "apply_extents",
    "attach_baseline",
    "check_profile",
    "community_weights",
    "compute_baseline",
    "concern_score",
    "decide",
    "harm_extents",
    "import_survey",
    "indicators",
    "linear_trend",
    "list_profiles",
    "list_surveys",
    "load_catalogue",
    "load_profile",
    "load_rules",
    "load_survey",
    "poisson_interval",
    "problems_document",
    "profile_path",
    "read_profile_file",
    "read_survey_csv",
    "review_harms",
    "save_profile",
    "save_survey",
    "suggest_harms",
    "suggestion_notes",
    "table_4_2_profile",
    "validate_profile",
    "weights_document",
    "wilson_interval",
    "write_yaml",
]
