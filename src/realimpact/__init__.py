"""realimpact: make drug law enforcement answerable to the harms it exists to reduce.

Implements the "Real Impact Drug Enforcement" framework of the UK Drug Policy Commission
report *Refocusing Drug-Related Law Enforcement to Address Harms* (2009): define the problem
by its harms, prioritise explicitly, respond from the evidence, measure, implement, evaluate.

Each stage is a subpackage with a small public API:
``realimpact.framework`` (the report's knowledge as data), ``realimpact.data`` (imports,
observation store, areas, series), ``realimpact.define``, ``realimpact.prioritise``,
``realimpact.plan`` and ``realimpact.evaluate``.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
