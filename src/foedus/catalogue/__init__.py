"""The catalogue: every ATOP alliance 1815-2016 with COW capabilities, as searchable records and as
scenarios in the project's own format. Data: ATOP v4.01, COW NMC v6.0, COW states 2016, COW
Direct Contiguity v3.2 (gzip copies in ``catalogue/data/``; citations in ``loader.CITATIONS``)."""

from foedus.catalogue.loader import CITATIONS, Catalogue, catalogue

__all__ = ["CITATIONS", "Catalogue", "catalogue"]
