"""Ledger layer: the dated record replayed through the treaty rules."""

from foedus.ledger.replay import AllianceState, AppliedEvent, Membership, Replay, replay

__all__ = ["AllianceState", "AppliedEvent", "Membership", "Replay", "replay"]
