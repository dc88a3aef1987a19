"""Facts the spillover study rests on: the metropolitan area, the toll road, the confounders.

Each constant carries its date and source (``/work/shared/reference/domain.md``
§3–§5, with its confidence tag); the study quotes them, the tests pin them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "CAPTURE_SECTORS",
    "CAPTURE_TOLERANCE",
    "COVID_YEAR",
    "GERBANGKERTOSUSILA",
    "LABINOV_KICKOFF",
    "TOL_SUMO_FULL_OPENING",
    "TOL_SUMO_PARTIAL_OPENING",
    "TOL_SUMO_SECTIONS",
    "TollSection",
]

GERBANGKERTOSUSILA: dict[str, str] = {
    "3525": "Kabupaten Gresik",
    "3526": "Kabupaten Bangkalan",
    "3516": "Kabupaten Mojokerto",
    "3576": "Kota Mojokerto",
    "3578": "Kota Surabaya",
    "3515": "Kabupaten Sidoarjo",
    "3524": "Kabupaten Lamongan",
}
"""The seven members of SWP Gerbangkertosusila (Surabaya metropolitan area), Kemendagri
code → name. Source: Perda Prov. Jatim 4/1996, PP 47/1996, Perpres 80/2019;
id/en.wikipedia "Gerbangkertosusila" (domain.md §4.1, HIGH). Excluded from the donor
pool by default because they are exposed to the same spillover."""


@dataclass(frozen=True)
class TollSection:
    """One section of the Surabaya–Mojokerto toll road."""

    section: str
    route: str
    km: float
    opened: date
    source: str


_TOL_SOURCE = (
    "en.wikipedia 'Surabaya–Mojokerto Toll Road' (refs Jasa Marga, Tempo 19-03-2016); "
    "harianindo 20-12-2017; suarasurabaya 19-12-2017 (domain.md §4.2, HIGH)"
)
TOL_SUMO_SECTIONS: tuple[TollSection, ...] = (
    TollSection("IA", "Waru – Sepanjang", 2.3, date(2011, 8, 27), _TOL_SOURCE),
    TollSection("IV", "Krian – Mojokerto", 18.47, date(2016, 3, 19), _TOL_SOURCE),
    TollSection("IB", "Sepanjang – WRR (Warugunung)", 4.3, date(2017, 12, 19), _TOL_SOURCE),
    TollSection("II", "WRR – Driyorejo", 5.1, date(2017, 12, 19), _TOL_SOURCE),
    TollSection("III", "Driyorejo – Krian", 6.1, date(2017, 12, 19), _TOL_SOURCE),
)
"""Tol Sumo (36,27 km) section openings. Full end-to-end operation on 19 December 2017
(travel time Surabaya–Mojokerto about 2 hours → about 45 minutes); the Krian–Mojokerto
section, the one reaching Mojokerto, opened on 19 March 2016 — a partial treatment before
the main event."""

TOL_SUMO_FULL_OPENING: date = date(2017, 12, 19)
"""End-to-end operation of Tol Sumo (President Jokowi at GT Warugunung; domain.md §4.2, HIGH)."""

TOL_SUMO_PARTIAL_OPENING: TollSection = TOL_SUMO_SECTIONS[1]
"""The Krian–Mojokerto section (19 March 2016), the one reaching Mojokerto."""

LABINOV_KICKOFF: date = date(2018, 4, 2)
"""LAN Laboratorium Inovasi kick-off in Kota Mojokerto (Monday 2 April 2018, opened by
Wali Kota Mas'ud Yunus). Sources: transversalmedia.com/?p=652; inilahmojokerto
2018-04-03 (domain.md §3.1, HIGH). Sits 3½ months after the toll road fully opened."""

COVID_YEAR: int = 2020
"""The COVID-19 shock year (Surabaya −4,85 %, Kota Mojokerto −3,69 %; domain.md §4.5)."""

CAPTURE_SECTORS: dict[str, tuple[str, ...]] = {
    "trade": ("G",),
    "accommodation": ("I",),
    "services": ("H", "J", "K", "L", "MN", "O", "P", "Q", "RSTU"),
}
"""Sector groups of the "capture or dead city" indicators (BPS lapangan usaha codes):
trade = G, accommodation & food = I, other services = H and J–U. A convention of this
toolkit, not a BPS aggregate; pass ``capture_sectors=`` to use another grouping."""

CAPTURE_TOLERANCE: float = 0.005
"""A share or ratio that moves by less than this (half a percentage point; 0,005 of the
per-capita ratio) between the means before and after the event counts as unchanged in
the capture reading. A convention of this toolkit (a parameter, not a rule)."""
