"""Behavioural model: seven mechanisms, one module each, each with its parameters beside it.

Every mechanism exposes its probabilities as pure, vectorised functions of documented features
(``requests.p_request``, ``decision.outcome_probs``, ``membership.hazards``, ``accession.p_ratify``
...), separate from any sampling, so that the ensemble engine (arrays over runs) and an exact
likelihood of the real record (features computed from the replayed ledger) evaluate the same
equations. See docs/model.md."""

from foedus.model.parameters import Param, Parameters, registry

__all__ = ["Param", "Parameters", "registry"]
