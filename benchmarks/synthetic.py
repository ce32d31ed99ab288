"""A synthetic scenario for scaling in states: N states in A alliances, each alliance a copy of the
CSTO's treaty rules with its own patron and founders, every state with crisis sources and
behavioural terms drawn from a seeded generator. It is validated like any scenario
(``ScenarioFiles``) and can be written as a scenario folder in the project's TOML format
(``write_folder``), so ``foedus simulate FOLDER`` runs it too. Not a model of anything: its only
use is to measure how the engine's cost grows with the number of states and alliances."""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np

import foedus
from foedus.scenario.schema import ScenarioFiles


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"Q{letters[i // 26]}{letters[i % 26]}" for i in range(n)]  # Q..: no real ISO3 code starts QA-QZ


def synthetic_scenario(n_states: int = 60, n_alliances: int = 3, seed: int = 0) -> ScenarioFiles:
    rng = np.random.default_rng(seed)
    base = foedus.load_scenario("csto").data.model_dump(mode="json")
    # the CSTO's rules without its history: in force from 2001, no renewal window to lapse at
    template = {**base["alliances"][0], "signed": "2001-01-01", "in_force": "2001-06-01", "renewal": None,
                "procedure": [{**base["alliances"][0]["procedure"][-1], "since": "2001-06-01"}]}
    codes = _codes(n_states)
    groups = np.array_split(np.arange(n_states), n_alliances)
    src = "synthetic (benchmarks/synthetic.py)"
    states = [{"iso3": c, "cow": 700 + i, "name": f"State {c}", "regime": ["democracy", "hybrid", "autocracy"][i % 3],
               "capability": {"year": 2023, "milex_usd_bn": round(float(rng.lognormal(1.0, 1.5)), 3),
                              "personnel_k": round(float(rng.lognormal(3.5, 1.0)), 1), "source": src}}
              for i, c in enumerate(codes)]
    alliances = []
    for k, g in enumerate(groups):
        members = [codes[i] for i in g]
        alliances.append({**template, "id": f"a{k}", "name": f"Alliance {k}", "treaty": f"Treaty {k}",
                          "patron": members[0], "founders": members, "atop_id": None, "sources": [src]})
    crisis, terms, affinity = [], [], []
    known = base["scenario"]["start"]   # made up with the scenario: known from its start
    for k, g in enumerate(groups):
        others = [i for i in range(n_states) if i not in set(g)]
        for i in g:
            enemy = codes[int(rng.choice(others))]
            crisis.append({"victim": codes[i], "type": "armed_attack", "aggressor": enemy,
                           "rate": round(float(rng.uniform(0.002, 0.015)), 4), "source": src, "known": known})
            crisis.append({"victim": codes[i], "type": "threat", "aggressor": enemy,
                           "rate": round(float(rng.uniform(0.005, 0.02)), 4), "source": src, "known": known})
            terms.append({"iso3": codes[i], "ties": round(float(rng.uniform(0, 1.5)), 3),
                          "autonomy_cost": round(float(rng.uniform(0, 1.5)), 3),
                          "outside_option": round(float(rng.uniform(-0.5, 0.8)), 3),
                          "exit_cost": round(float(rng.uniform(0, 1.0)), 3), "committed_share": 0.0, "source": src, "known": known})
        for i in g[1:]:
            affinity.append({"a": codes[g[0]], "b": codes[i], "value": round(float(rng.uniform(-0.2, 0.9)), 3),
                             "source": src, "known": known})
    data = {
        "scenario": {**base["scenario"], "name": f"synthetic-{n_states}x{n_alliances}",
                     "title": f"Synthetic: {n_states} states, {n_alliances} alliances", "description": src,
                     "focus": "a0", "sources": [src], "data_citations": []},
        "states": states, "alliances": alliances, "events": [], "timeline": [], "parameters": base["parameters"],
        "behaviour": {"crisis": crisis, "state": terms, "affinity": affinity, "grievance": []},
    }
    return ScenarioFiles.model_validate(data)


def write_folder(data: ScenarioFiles, folder: str | Path) -> Path:
    """The scenario as a folder of TOML files, as ``foedus.load_scenario`` reads them."""
    import tomli_w

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    d = data.model_dump(mode="python", exclude_none=True)
    files = {"scenario.toml": {"scenario": d["scenario"]}, "states.toml": {"state": d["states"]},
             "alliances.toml": {"alliance": d["alliances"]}, "behaviour.toml": d["behaviour"]}
    if d.get("parameters"):
        files["scenario.toml"]["parameters"] = d["parameters"]
    for name, obj in files.items():
        (folder / name).write_text(tomli_w.dumps(obj))
    return folder
