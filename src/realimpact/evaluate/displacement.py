"""Displacement and diffusion of benefits: the WDQ and the WDD test.

Two before/after measures that compare a target (response) area with a buffer around it,
where displaced crime, or a diffusion of benefits, would show, and with a control area
that stands for what would have happened anyway.

* :func:`wdq` -- the Weighted Displacement Quotient of Bowers & Johnson (2003), with its
  success measure, buffer measure and total net effect. It has no sampling error: read it
  as a description, and only when the target fell relative to the control.
* :func:`wdd` -- the Weighted Displacement Difference test of Wheeler & Ratcliffe (2018): a
  difference in differences on counts with a Poisson standard error, so it has a z-score,
  a p-value and an interval, with or without a buffer (and its own control).
* :func:`wdd_harm` -- several WDD tests (one per crime type) combined with harm weights;
  the variance uses the squared weights (Wheeler 2020).

References
----------
Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and
diffusion of benefit effects of crime prevention activity. *Journal of Quantitative
Criminology* 19(3), 275-301. Formulas as in Guerette (2009), POP Center Tool Guide 10,
Appendix B.

Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test
to evaluate place based crime interventions. *Crime Science* 7:11.
"""

from realimpact.evaluate._wdd import WDDResult, wdd, wdd_harm
from realimpact.evaluate._wdq import WDQResult, wdq

__all__ = ["WDDResult", "WDQResult", "wdd", "wdd_harm", "wdq"]
