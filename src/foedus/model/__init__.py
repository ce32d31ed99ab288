"""Behavioural model: one module per mechanism, each ending with its declaration
(``MECHANISM = mechanism.Mechanism(...)``: the features it reads, its parameters, its functions).

Every mechanism exposes its probabilities as pure, vectorised functions of documented features
(``requests.p_request``, ``decision.outcome_probs``, ``membership.hazards``, ``accession.p_ratify``
...), separate from any sampling, so that the ensemble engine (arrays over runs), an exact
likelihood of the real record (features from the replayed ledger, ``foedus.features``) and the
per-agent reference evaluate the same equations. See docs/model.md."""

from foedus.model.parameters import Param, Parameters, registry

__all__ = ["Param", "Parameters", "registry"]
