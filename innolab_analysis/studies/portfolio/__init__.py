"""The innovation-portfolio study: coverage, flow, funnels, mix, speed, survival, readiness.

``compute`` holds :func:`innovation_portfolio` and its frozen result
:class:`Portfolio` (numbers only); ``text`` its sentences, ``tables`` its
tables and ``plots`` its figures, all worded from the catalog
(``l10n/messages/portfolio.yaml``).
"""

from innolab_analysis.studies.portfolio.compute import (
    SURVIVAL_HORIZON,
    Portfolio,
    innovation_portfolio,
)

__all__ = ["SURVIVAL_HORIZON", "Portfolio", "innovation_portfolio"]
