"""The report's knowledge as structured, validated, extendable data.

The UK Drug Policy Commission's (2009) framework for harm-focused drug law enforcement:
the drug-harm matrix (Table 4.1), measures of harm (Appendix C, chapter 2, chapter 4 step
4), information sources (Box B), displacement types (Box A), the four routes to lower
harm, the strategy groups (a)-(d), the six process stages, the 5WH questions (Table 4.3)
and Table 4.2's harm chains. Load it with :func:`load_knowledge_base`.
"""

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
    "DisplacementType",
    "EnforcementStrategy",
    "Entry",
    "Harm",
    "HarmChain",
    "HarmLevel",
    "HarmSource",
    "HarmType",
    "InformationSource",
    "KnowledgeBase",
    "Measure",
    "MeasureKind",
    "Question",
    "QuestionGroup",
    "Route",
    "Stage",
    "harm_id",
    "harm_slug",
    "knowledge_base_for_workspace",
    "load_knowledge_base",
    "package_data_dir",
]
