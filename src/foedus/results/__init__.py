"""Results layer: tidy tables from merged summaries; results folders per docs/results.md."""

from foedus.results.folder import Results, load

__all__ = ["Results", "load"]
