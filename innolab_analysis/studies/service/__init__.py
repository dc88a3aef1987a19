"""The service-quality study: the SKM/IKM of a city and its service units.

``compute`` holds :func:`service_quality` and its frozen result
:class:`ServiceQuality` (numbers only); ``text`` its sentences, ``tables`` its
tables and ``plots`` its figures, all worded from the catalog
(``l10n/messages/service.yaml``).
"""

from innolab_analysis.studies.service.compute import (
    USERS_INDICATOR,
    ServiceQuality,
    service_quality,
)

__all__ = ["USERS_INDICATOR", "ServiceQuality", "service_quality"]
