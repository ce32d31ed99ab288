"""State codes: the catalogue speaks COW; users often speak ISO 3166-1 alpha-3.

Catalogue scenarios use the Correlates of War abbreviation (``stateabb``: RUS, ARM, UKG, GMY, KZK)
as their three-letter state code, because every COW state has one and it is what the data files
carry. A user may name a state by its COW number (``371``), its COW abbreviation (``ARM``,
``KZK``) or its ISO3 code (``KAZ``, ``DEU``). ``ISO3_TO_COW`` lists every ISO3 code that differs
from the COW abbreviation of the same state (a code that is the same in both needs no entry).

Six codes are an ISO3 code of one state and the COW abbreviation of another (``AMBIGUOUS``):
foedus refuses to guess and asks for the COW number or an unambiguous code instead.
"""

from __future__ import annotations

#: ISO3 -> COW state number, for states whose ISO3 code is not their COW abbreviation.
ISO3_TO_COW: dict[str, int] = {
    # the Americas
    "BHS": 31, "HTI": 41, "TTO": 52, "BRB": 53, "GRD": 55, "LCA": 56, "VCT": 57, "ATG": 58,
    "KNA": 60, "GTM": 90, "HND": 91, "SLV": 92, "CRI": 94, "PRY": 150, "URY": 165,
    # Europe
    "GBR": 200, "IRL": 205, "NLD": 210, "FRA": 220, "MCO": 221, "CHE": 225, "ESP": 230,
    "PRT": 235, "DEU": 255, "AUT": 305, "CZE": 316, "SVK": 317, "MNE": 341, "MKD": 343,
    "HRV": 344, "SRB": 345, "BIH": 346, "XKX": 347, "SVN": 349, "BGR": 355, "MDA": 359,
    "ROU": 360, "LVA": 367, "LTU": 368, "GEO": 372, "SWE": 380, "DNK": 390, "ISL": 395,
    # Africa
    "CPV": 402, "GNQ": 411, "GMB": 420, "MRT": 435, "NER": 436, "CIV": 437, "GIN": 438,
    "BFA": 439, "SLE": 451, "TGO": 461, "CMR": 471, "NGA": 475, "CAF": 482, "TCD": 483,
    "COG": 484, "COD": 490, "TZA": 510, "BDI": 516, "AGO": 540, "MOZ": 541, "ZMB": 551,
    "ZWE": 552, "MWI": 553, "ZAF": 560, "LSO": 570, "BWA": 571, "SWZ": 572, "MDG": 580,
    "MUS": 590, "SYC": 591, "MAR": 600, "DZA": 615, "LBY": 620, "SDN": 625,
    # the Middle East and Asia
    "LBN": 660, "KWT": 690, "BHR": 692, "ARE": 696, "OMN": 698, "TJK": 702, "KGZ": 703,
    "KAZ": 705, "MNG": 712, "TWN": 713, "KOR": 732, "BGD": 771, "MMR": 775, "LKA": 780,
    "MDV": 781, "NPL": 790, "THA": 800, "KHM": 811, "VNM": 816, "MYS": 820, "SGP": 830,
    "BRN": 835, "PHL": 840, "IDN": 850, "TLS": 860,
    # Oceania
    "AUS": 900, "NZL": 920, "VUT": 935, "SLB": 940, "NRU": 970, "MHL": 983, "PLW": 986,
}

#: Codes that are the ISO3 code of one state and the COW abbreviation of another.
AMBIGUOUS: dict[str, tuple[str, str]] = {
    "AUS": ("ISO3 Australia (COW 900, AUL)", "COW Austria (305; ISO3 AUT)"),
    "CZE": ("ISO3 Czech Republic (COW 316, CZR)", "COW Czechoslovakia (315)"),
    "KOR": ("ISO3 South Korea (COW 732, ROK)", "COW Korea (730)"),
    "MNG": ("ISO3 Mongolia (COW 712, MON)", "COW Montenegro (341; ISO3 MNE)"),
    "SLV": ("ISO3 El Salvador (COW 92, SAL)", "COW Slovenia (349; ISO3 SVN)"),
    "SWZ": ("ISO3 Eswatini (COW 572, SWA)", "COW Switzerland (225; ISO3 CHE)"),
}

#: The hand-built scenarios use ISO3; these are the CSTO's states whose two codes differ.
CSTO_ISO3_TO_COW_ABB = {"KAZ": "KZK", "KGZ": "KYR", "TJK": "TAJ", "GEO": "GRG"}
