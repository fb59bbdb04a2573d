"""The report's knowledge as structured, validated, extendable data.

The UK Drug Policy Commission's (2009) framework for harm-focused drug law enforcement:
the drug-harm matrix (Table 4.1), measures of harm (Appendix C, chapter 2, chapter 4 step
4), information sources (Box B), displacement types (Box A), the four routes to lower
harm, the strategy groups (a)-(d), the six process stages, the 5WH questions (Table 4.3)
and Table 4.2's harm chains; with the case studies (Table 3.2, Appendix B) and Table 3.1's
impacts. Load it with :func:`load_knowledge_base`. The Appendix D poll is
``KnowledgeBase.poll`` or :func:`realimpact.framework.poll.load_poll` (it needs pandas, so
it is not imported here).
"""

from realimpact.framework.cases import CaseStudy, Figure, StrategyGroupCode, load_case_studies
from realimpact.framework.impacts import ImpactEntry, load_impacts
from realimpact.framework.knowledge import KnowledgeBase
from realimpact.framework.load import (
    knowledge_base_for_workspace,
    load_knowledge_base,
    package_data_dir,
)
from realimpact.framework.models import (
    DisplacementType,
    EnforcementStrategy,
    Entry,
    Harm,
    HarmChain,
    InformationSource,
    Measure,
    Question,
    Route,
    Stage,
    harm_id,
    harm_slug,
)
from realimpact.framework.vocab import HarmLevel, HarmSource, HarmType, MeasureKind, QuestionGroup

__all__ = [
    "CaseStudy",
    "DisplacementType",
    "EnforcementStrategy",
    "Entry",
    "Figure",
    "Harm",
    "HarmChain",
    "HarmLevel",
    "HarmSource",
    "HarmType",
    "ImpactEntry",
    "InformationSource",
    "KnowledgeBase",
    "Measure",
    "MeasureKind",
    "Question",
    "QuestionGroup",
    "Route",
    "Stage",
    "StrategyGroupCode",
    "harm_id",
    "harm_slug",
    "knowledge_base_for_workspace",
    "load_case_studies",
    "load_impacts",
    "load_knowledge_base",
    "package_data_dir",
]
