"""The catalogue: every ATOP alliance 1815-2016 with COW capabilities, as searchable records and as
scenarios in the project's own format (docs/catalogue.md). Data: ATOP v4.01, COW NMC v6.0, COW
states 2016, COW Direct Contiguity v3.2 (gzip copies in ``catalogue/data/``; citations in
``CITATIONS``)::

    from foedus.catalogue import search, describe, obligations_in_year, to_scenario
    search(member="ARM", year=2010)
    obligations_in_year(2012, victim="TUR")
    to_scenario(4220, 2010)          # validated scenario objects; write_scenario(...) writes TOML
"""

from foedus.catalogue.convert import QUIRKS, DataQuirk, to_scenario, write_scenario
from foedus.catalogue.loader import CITATIONS, Catalogue, catalogue
from foedus.catalogue.search import describe, obligations_in_year, search

__all__ = ["CITATIONS", "QUIRKS", "Catalogue", "DataQuirk", "catalogue", "describe", "obligations_in_year", "search",
           "to_scenario", "write_scenario"]
