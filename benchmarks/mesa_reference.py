"""A plain per-agent implementation of foedus's model on Mesa: the speed baseline and a statistical
cross-check of the vectorised engine (DESIGN, "Performance design").

One Mesa ``Model`` per run, one ``Agent`` per state; each month is the same sequence as
``foedus.engine.step`` — treaty calendar, timeline, crises, requests, the council's decision,
credibility, membership, accession — written as Python loops over agents. The probabilities are
the model's own pure functions (``foedus.model.*``) called on one agent's scalars, and the treaty
rules are the scalar ones the replay uses (``foedus.treaty``: the transition table, ``notice_due``,
``obligations``, ``passes``). It never calls the engine's step. Its random numbers come from the
Mesa model's own generator (``Model(seed=...)``), so it agrees with the engine in distribution,
not draw for draw.

The start state, timeline series and scenario terms are read from the compiled
``foedus.engine.compile.Model`` (the replay of the record to the start date): inputs, not dynamics.

    from mesa_reference import simulate_runs
    rows = simulate_runs(compile_model(data, "2021-01-01", 36), runs=200, seed=1)
"""

from __future__ import annotations

import numpy as np
from mesa import Agent, Model

from foedus import features
from foedus.chronology import month_start
from foedus.engine.compile import NO_MONTH
from foedus.model import accession, credibility, crises, decision, membership, requests
from foedus.model.timeline import NO_CRISIS
from foedus.treaty import membership as tm
from foedus.treaty.membership import VOTING_STANDINGS, Action, Standing, awaited_ratifications
from foedus.treaty.obligations import obligations
from foedus.treaty.procedure import ABSTAIN, NO, YES, council_answer, passes
from foedus.scenario.schema import CrisisType

S = Standing
_CRISIS_TYPES = list(CrisisType)
COUNTERS = ("requests", "honoured_full", "honoured_part", "refused", "exits", "freezes", "notices", "returns",
            "accessions")


class StateAgent(Agent):
    """A state: its standing, notice, beliefs and accession bookkeeping in each alliance."""

    def __init__(self, model: "AllianceModel", index: int):
        super().__init__(model)
        c = model.compiled
        self.index = index
        self.code = c.codes[index]
        A = len(c.alliance_ids)
        self.standing = [int(c.standing0[a, index]) for a in range(A)]
        self.since = [int(c.since0[a, index]) for a in range(A)]
        self.notice_due = [int(c.notice_due0[a, index]) for a in range(A)]
        self.cred_a = [float(c.cred_a0[a, index]) for a in range(A)]
        self.cred_b = [float(c.cred_b0[a, index]) for a in range(A)]
        self.invited_by = [set(np.nonzero(c.invited_by0[a, index])[0].tolist()) for a in range(A)]
        self.ratified_by = [set(np.nonzero(c.ratified0[a, index])[0].tolist()) for a in range(A)]
        self.sources = [k for k in range(len(c.src_rate)) if c.src_victim[k] == index]
        self.first_exit = -1
        # this month's crisis
        self.crisis_type = NO_CRISIS
        self.crisis_aggressor = -1
        self.crisis_severity = 0.0

    # -- moves --------------------------------------------------------------------------------
    def move(self, a: int, action: Action) -> bool:
        """Apply a treaty action through the transition table; False where the rules forbid it."""
        new = tm.step(self.standing[a], action)
        if new < 0:
            return False
        self.standing[a] = new
        self.since[a] = self.model.month
        return True

    def belief(self, a: int) -> float:
        return float(credibility.mean(self.cred_a[a], self.cred_b[a]))

    # -- 2. crises ----------------------------------------------------------------------------
    def draw_crisis(self) -> None:
        """Each source aimed at this state fires or not; the most severe one is the month's crisis."""
        mdl, c, p = self.model, self.model.compiled, self.model.params
        t, i = mdl.t, self.index
        self.crisis_type, self.crisis_aggressor, self.crisis_severity = NO_CRISIS, -1, 0.0
        best = -1.0
        for k in self.sources:
            if mdl.random.random() < crises.p_arrival(p, c.src_rate[k], c.tl.threat[t, i], c.src_type[k]):
                s = float(crises.severity(p, mdl.random.random()))
                if s > best:
                    best = s
                    self.crisis_type, self.crisis_aggressor, self.crisis_severity = int(c.src_type[k]), int(c.src_aggressor[k]), s
        if c.tl.crisis_type[t, i] >= 0:  # an injected timeline crisis replaces the draw
            self.crisis_type = int(c.tl.crisis_type[t, i])
            self.crisis_aggressor = int(c.tl.crisis_aggressor[t, i])
            self.crisis_severity = float(c.tl.crisis_severity[t, i])

    # -- 3. requests --------------------------------------------------------------------------
    def maybe_request(self, a: int) -> None:
        if self.crisis_type < 0 or self.standing[a] not in (S.active, S.notice):
            return
        c = self.model.compiled
        power = requests.power_share(c.terms.milex, self.index, int(c.leader[a]))
        p = requests.p_request(self.model.params, self.crisis_type, self.crisis_severity, self.model.cred_at_start[self.index],
                               power)
        if self.model.random.random() < p:
            self.model.pending_requests.append(self)

    # -- 4. decision: this member's vote -------------------------------------------------------
    def vote(self, a: int, level: str, victim: "StateAgent", covered: bool, abstention: bool, shock: float) -> int:
        mdl, c = self.model, self.model.compiled
        j, v, g = self.index, victim.index, victim.crisis_aggressor
        spare = c.tl.capability[mdl.t, j] * (1.0 - c.tl.committed[mdl.t, j])
        f = decision.DecisionFeatures(
            covered=np.array([covered]), crisis_type=np.array([victim.crisis_type]),
            severity=np.array([victim.crisis_severity]), salience=np.array([c.tl.salience[mdl.t, v]]),
            aff_victim=np.array([[c.affinity[v, j]]]), aff_aggressor=np.array([[c.affinity[g, j] if g >= 0 else 0.0]]),
            regime_member=np.array([[c.regime[j]]]), regime_victim=np.array([c.regime[v]]),
            spare=np.array([[spare]]), eligible=np.array([[True]]), frozen=np.array([[self.standing[a] == S.frozen]]),
            patron=np.array([[j == c.patron[a]]]), abstention=np.array([abstention]))
        p_yes, _, p_no = decision.vote_probs(mdl.params, level, f, np.array([shock]))
        u = mdl.random.random()
        return YES if u < p_yes[0, 0] else (NO if u >= 1.0 - p_no[0, 0] else ABSTAIN)

    # -- 5. credibility -----------------------------------------------------------------------
    def observe(self, a: int, outcome: int, victim: "StateAgent") -> None:
        p = self.model.params
        sal = self.model.compiled.tl.salience[self.model.t, victim.index]
        da, db = credibility.increments(p, outcome, credibility.weights(p, self is victim, sal),
                                        victim.crisis_type == decision.THREAT)
        self.cred_a[a] += float(da)
        self.cred_b[a] += float(db)

    def decay_beliefs(self) -> None:
        for a in range(len(self.cred_a)):
            na, nb = credibility.decay(self.model.params, self.cred_a[a], self.cred_b[a])
            self.cred_a[a], self.cred_b[a] = float(na), float(nb)

    # -- 6. membership ------------------------------------------------------------------------
    def features(self, a: int) -> membership.MemberFeatures:
        """The membership mechanism's features of this agent: ``foedus.features.member_features``
        on its own scalars (the engine and the likelihood call the same function on arrays)."""
        mdl, c = self.model, self.model.compiled
        return features.member_features(c.terms, c.tl, c.leader[a], mdl.t, self.index, self.belief(a), mdl.momentum[a],
                                        self.standing[a] == S.frozen)

    def weigh_membership(self, a: int) -> None:
        """Stay, freeze, give notice, return or revoke; the council may suspend or reinstate."""
        mdl, c, p = self.model, self.model.compiled, self.model.params
        t, m = mdl.t, mdl.month
        st = self.standing[a]
        is_patron = self.index == c.patron[a]
        feats = self.features(a)
        hz = membership.hazards(p, feats, can_notice=c.notice_months[a] >= 0)
        u, uc = mdl.random.random(), mdl.random.random()
        council = bool(c.suspension[a, t])
        froze = noticed = returned = revoked = suspended = False
        if st == S.active and not is_patron:
            ch = int(membership.choose(u, hz.p_freeze, hz.p_notice))
            froze = ch == 0 and self.move(a, Action.freeze)
            noticed = ch == 1 and self.move(a, Action.notice)
        elif st == S.frozen:
            ch = -1 if is_patron else int(membership.choose(u, hz.p_notice, hz.p_return))
            noticed = ch == 0 and self.move(a, Action.notice)
            returned = ch == 1 and self.move(a, Action.unfreeze)
            if ch < 0 and council and uc < membership.p_suspend(p, m - self.since[a]):
                suspended = self.move(a, Action.suspend)
        elif st == S.notice:
            revoked = int(membership.choose(u, hz.p_revoke)) == 0 and self.move(a, Action.revoke_notice)
        elif st == S.suspended and council and uc < membership.p_reinstate(p):
            self.move(a, Action.reinstate)
        if noticed:
            e = int(c.earliest_month[a])
            self.notice_due[a] = tm.notice_due(m, int(c.notice_months[a]), e if e >= 0 else None)
        if revoked or suspended:
            self.notice_due[a] = NO_MONTH
        lapsed = False
        if c.renewal[a, t] and self.standing[a] in (S.active, S.frozen) and not is_patron:
            if mdl.random.random() < membership.p_lapse(p, feats):
                lapsed = self.move(a, Action.lapse)
        defected = froze or noticed or suspended or lapsed
        mdl.defections[a] += int(defected)
        if a == c.focus:
            if defected:
                self.mark_exit()
            mdl.counts["freezes"] += int(froze)
            mdl.counts["notices"] += int(noticed)
            mdl.counts["returns"] += int(returned)
            mdl.counts["exits"] += int(lapsed)

    def mark_exit(self) -> None:
        if self.first_exit < 0:
            self.first_exit = self.model.t

    # -- 7. accession -------------------------------------------------------------------------
    def maybe_apply(self, a: int) -> None:
        c = self.model.compiled
        left_now = self.standing[a] == S.withdrawn and self.since[a] == self.model.month   # not in the month it left
        if self.standing[a] in (S.outside, S.withdrawn) and self.index != c.patron[a] and not left_now:
            t, i = self.model.t, self.index
            pa = accession.p_apply(self.model.params, c.affinity[i, c.leader[a]], c.tl.threat[t, i],
                                   c.terms.outside[i] + c.tl.outside[t, i])
            if self.model.random.random() < pa:
                self.move(a, Action.apply)


class AllianceModel(Model):
    """One run: the states as agents, the alliances' councils as the model's own steps."""

    def __init__(self, compiled, seed: int):
        super().__init__(seed=seed)
        self.compiled = compiled
        self.params = compiled.params
        self.t = 0
        self.month = compiled.start_month
        A = len(compiled.alliance_ids)
        self.momentum = [float(x) for x in compiled.momentum0]
        self.defections = [0] * A
        self.counts = dict.fromkeys(COUNTERS, 0)
        self.states = [StateAgent(self, i) for i in range(compiled.n_states)]
        self.pending_requests: list[StateAgent] = []
        self.cred_at_start: list[float] = []

    def treaty_calendar(self) -> None:
        """0. Entry into force; notices that fall due take effect."""
        c, m = self.compiled, self.month
        for a in range(len(c.alliance_ids)):
            for s in self.states:
                if m == c.in_force_month[a] and s.standing[a] == S.signatory:
                    s.move(a, Action.in_force)
                if s.standing[a] == S.notice and s.notice_due[a] != NO_MONTH and s.notice_due[a] <= m:
                    if s.move(a, Action.withdraw):
                        s.notice_due[a] = NO_MONTH
                        if a == c.focus:
                            s.mark_exit()
                            self.counts["exits"] += 1

    def accession(self, a: int) -> None:
        """7. Applications, the council's invitations (one decision per applicant), ratifications, admission."""
        c, t = self.compiled, self.t
        if not c.admission[a] or self.month < c.in_force_month[a]:
            return
        self.agents.shuffle_do("maybe_apply", a)
        for s in self.states:
            if s.standing[a] != S.applicant:
                continue
            voters = [j for j in self.states if j is not s and j.standing[a] in VOTING_STANDINGS]
            aff = float(np.mean([c.affinity[s.index, j.index] for j in voters])) if voters else 0.0
            if voters and self.random.random() < accession.p_invite(self.params, aff, c.tl.threat[t, s.index]):
                s.move(a, Action.invite)
                s.invited_by[a] = {j.index for j in voters}
                s.ratified_by[a] = set()
        for s in self.states:
            if s.standing[a] != S.invited:
                continue
            # only the members that invited it and are still in have a say (the treaty layer's rule)
            now = {j.index: Standing(j.standing[a]) for j in self.states}
            for j in sorted(awaited_ratifications(s.invited_by[a], s.ratified_by[a], now)):
                pr = accession.p_ratify(self.params, c.affinity[s.index, j], c.grievance[j, s.index])
                if self.random.random() < pr:
                    s.ratified_by[a].add(j)
            if not awaited_ratifications(s.invited_by[a], s.ratified_by[a], now) and s.move(a, Action.admit) and a == c.focus:
                self.counts["accessions"] += 1

    def step(self) -> None:
        c = self.compiled
        t, m = self.t, self.month
        date = month_start(m)
        A = len(c.alliance_ids)
        f = c.focus
        agents = self.agents

        self.treaty_calendar()

        # 1-2. timeline (read by the agents from the compiled series) and crises
        agents.shuffle_do("draw_crisis")

        for a in range(A):
            # 3. requests: beliefs as they stood before this month's outcomes
            self.cred_at_start = [s.belief(a) for s in self.states]
            self.pending_requests = []
            agents.shuffle_do("maybe_request", a)
            abst = bool(c.abstention[a, t])
            standings = {s.code: Standing(s.standing[a]) for s in self.states}
            for victim in self.pending_requests:
                # 4. decision: the council votes, at the deploy level and then the limited level
                aggressor = c.codes[victim.crisis_aggressor] if victim.crisis_aggressor >= 0 else None
                covered = obligations(c.alliances[a], standings, date, victim.code, aggressor,
                                      _CRISIS_TYPES[victim.crisis_type]).casus_foederis
                # each voter casts its vote at both levels; the treaty's procedure gives the answer
                voters = [s for s in self.states if s is not victim and s.standing[a] in VOTING_STANDINGS]
                z = float(decision.shock(self.params, self.random.random()))   # the request's shared shock
                deploy = np.array([s.vote(a, "deploy", victim, covered, abst, z) for s in voters], dtype=np.int8)
                limited = np.array([s.vote(a, "limited", victim, covered, abst, z) for s in voters], dtype=np.int8)
                out = int(council_answer(deploy, limited, np.ones(len(voters), bool),
                                         np.array([s.index == c.patron[a] for s in voters], dtype=bool), abst,
                                         victim.crisis_type == decision.THREAT))
                # 5. credibility: the victim and every other state observe the outcome
                for s in self.states:
                    s.observe(a, out, victim)
                if a == f:
                    self.counts["requests"] += 1
                    self.counts[("honoured_full", "honoured_part", "refused")[out]] += 1
        # 5. credibility: decay towards the prior
        agents.do("decay_beliefs")

        for a in range(A):
            # 6. membership
            self.defections[a] = 0
            agents.shuffle_do("weigh_membership", a)
            self.momentum[a] = self.momentum[a] * membership.momentum_decay(self.params) + self.defections[a]
            # 7. accession: applications, the council's invitations, ratifications
            self.accession(a)
        self.t += 1
        self.month += 1


def simulate_run(compiled, seed: int) -> dict:
    """One run of ``compiled.months`` months; the focus alliance's outcome."""
    mdl = AllianceModel(compiled, seed)
    for _ in range(compiled.months):
        mdl.step()
    f = compiled.focus
    return {
        "final_standing": [s.standing[f] for s in mdl.states],
        "first_exit": [s.first_exit for s in mdl.states],
        "final_cred": [s.belief(f) for s in mdl.states],
        **mdl.counts,
    }


def simulate_runs(compiled, runs: int, seed: int = 0) -> list[dict]:
    """``runs`` runs, run ``r`` seeded with ``SeedSequence(seed).spawn`` child ``r``."""
    children = np.random.SeedSequence(seed).spawn(runs)
    return [simulate_run(compiled, int(ch.generate_state(1)[0])) for ch in children]
