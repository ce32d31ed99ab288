"""Each mechanism declares, in its own module, what it reads, its parameters and its functions;
the registry, the docs and the engine take them from there."""

import dataclasses

from foedus.model import decision, membership
from foedus.model.mechanism import mechanisms
from foedus.model.parameters import registry


def test_every_mechanism_is_found_in_its_module_in_order():
    found = mechanisms()
    assert [m.name for m in found] == ["timeline", "crises", "requests", "decision", "credibility", "membership",
                                       "accession", "contagion", "dissolution"]
    assert [m.number for m in found] == sorted(m.number for m in found)


def test_the_registry_is_the_union_of_the_declared_parameters():
    declared = [p.name for m in mechanisms() for p in m.params]
    assert len(declared) == len(set(declared)) and list(registry()) == declared
    for m in mechanisms():
        assert all(p.mechanism == m.name for p in m.params)


def test_declared_features_name_what_the_probabilities_read():
    by_name = {m.name: {f.name for f in m.features} for m in mechanisms()}
    assert {f.name for f in dataclasses.fields(decision.DecisionFeatures)} == by_name["decision"]
    assert {f.name for f in dataclasses.fields(membership.MemberFeatures)} <= by_name["membership"]
    for m in mechanisms():
        for f in m.features:
            assert f.record and f.engine, (m.name, f.name)   # each says where both sources find it
        for fn in m.functions:
            assert callable(fn) and fn.__module__.endswith(m.name), (m.name, fn)
