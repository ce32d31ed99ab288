// The browser view of foedus: every request goes to the server that served this page.
"use strict";

const STANDINGS = ["active", "frozen", "notice", "suspended", "signatory", "invited", "applicant", "withdrawn", "expelled", "outside"];
const STANDING_COLOURS = ["#2e7d32", "#f2a900", "#8e24aa", "#c62828", "#1565c0", "#00838f", "#4fb3bf", "#9e9e9e", "#5d4037", "#eeeeee"];
const ARM_COLOURS = { baseline: "#5b6475", "what-if": "#d35400" };
const state = { alliance: "csto", record: null, levers: null, job: null, views: {}, topo: null, restoring: false };
const $ = (sel, root = document) => root.querySelector(sel);

// --- talking to the server -------------------------------------------------------------------
async function api(path, options) {
  const r = await fetch(path, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${path}: ${r.status}`);
  return body;
}
function showError(err) {
  const el = $("#error");
  el.textContent = err ? String(err.message || err) : "";
  el.hidden = !err;
}
const qs = (obj) => new URLSearchParams(Object.entries(obj).filter(([, v]) => v !== "" && v != null)).toString();

// --- figures ---------------------------------------------------------------------------------
const BASE_CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
  axis: { labelFontSize: 12, titleFontSize: 13, labelLimit: 160 },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: "bottom", direction: "horizontal", columns: 4 },
  title: { fontSize: 14, subtitleFontSize: 12, anchor: "start" }, view: { stroke: null },
};
function figureWidth(el) { return Math.max(260, Math.min(el.clientWidth || 800, 1000) - 30); }

async function draw(el, spec) {
  spec.config = Object.assign({}, BASE_CONFIG, spec.config || {});
  if ((spec.width || 1000) < 480) spec.config.legend = Object.assign({}, BASE_CONFIG.legend, { columns: 2 });  // a phone
  // the width given is the whole figure's, axes and legends included: nothing is shrunk to fit
  spec.autosize = spec.autosize || { type: "fit-x", contains: "padding" };
  const compiled = vegaLite.compile(spec).spec;
  if (state.views[el.id]) state.views[el.id].finalize();
  el.innerHTML = "";
  const holder = document.createElement("div");
  el.appendChild(holder);
  const view = new vega.View(vega.parse(compiled), { renderer: "svg", container: holder, hover: true });
  await view.runAsync();
  state.views[el.id] = view;
  el.appendChild(figureTools(el, view));
  el.dataset.rendered = String(Number(el.dataset.rendered || 0) + 1);
  return view;
}
function figureTools(el, view) {
  const bar = document.createElement("div");
  bar.className = "figtools";
  for (const kind of ["svg", "png"]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = kind.toUpperCase();
    b.title = `download this figure as ${kind.toUpperCase()}`;
    b.dataset.kind = kind;
    b.addEventListener("click", async () => {
      const url = kind === "svg"
        ? URL.createObjectURL(new Blob([await view.toSVG()], { type: "image/svg+xml" }))
        : await view.toImageURL("png", 2);
      const a = document.createElement("a");
      a.href = url; a.download = `${state.alliance}-${el.dataset.name}.${kind}`;
      document.body.appendChild(a); a.click(); a.remove();
    });
    bar.appendChild(b);
  }
  return bar;
}

// --- the record: map, timeline, events --------------------------------------------------------
function dayNumber(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / 86400000); }
function isoOfDay(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }

async function loadAlliance(id) {
  state.alliance = id;
  $("#alliance").value = id;
  const [rec, lev] = await Promise.all([api(`/api/record?${qs({ alliance: id })}`), api(`/api/levers?${qs({ alliance: id })}`)]);
  state.record = rec; state.levers = lev;
  $("#alliance-title").textContent = `${rec.title}. Sources: ${rec.sources.join("; ")}`;
  const slider = $("#date-slider");
  slider.min = dayNumber(rec.first); slider.max = dayNumber(rec.last);
  $("#date").min = rec.first; $("#date").max = rec.last;
  fillStates(lev);
  fillPlaces(rec.places);
  fillLevers(lev);
  renderEvents();
}

async function showDate(iso) {
  const rec = state.record;
  if (iso < rec.first) iso = rec.first;
  if (iso > rec.last) iso = rec.last;
  $("#date").value = iso;
  $("#date-slider").value = dayNumber(iso);
  const st = await api(`/api/standings?${qs({ alliance: state.alliance, date: iso })}`);
  const counts = {};
  for (const s of st.states) if (s.standing !== "outside") counts[s.standing] = (counts[s.standing] || 0) + 1;
  const frozen = st.states.filter((s) => s.standing === "frozen").map((s) => s.name);
  const changed = st.states.filter((s) => s.since === iso && s.standing !== "outside");
  $("#map-caption").textContent = `${rec.name} on ${iso}: ${st.members.length} members`
    + (frozen.length ? ` (${frozen.join(", ")} frozen)` : "") + ". "
    + Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")
    + (changed.length ? `. On this day: ${changed.map((x) => `${x.name} ${x.standing}`).join(", ")}` : "");
  const off = st.states.filter((s) => !s.on_map && s.standing !== "outside");
  $("#off-map").textContent = off.length ? `Not on today's map: ${off.map((s) => `${s.name} (${s.standing})`).join(", ")}.` : "";
  await Promise.all([drawMap(st), drawTimeline(iso)]);
  markEvents(iso);
  setDownloads();
  saveView();
}

// the legend names only the standings shown, in the fixed order (the colours never change)
function present(rows) { const seen = new Set(rows.map((r) => r.standing)); return STANDINGS.filter((s) => s !== "outside" && seen.has(s)); }

async function drawMap(st) {
  const el = $("#fig-map");
  if (!state.topo) state.topo = await (await fetch("/static/vendor/countries-110m.json")).json();
  const width = figureWidth(el);
  const rows = st.states.filter((s) => s.on_map);
  const pad = st.fit.length ? st.fit : [[0, 0]];
  const lons = pad.map((p) => p[0]), lats = pad.map((p) => p[1]);
  // the fit is to a point inside each member: room for half a large country (Turkey, Kazakhstan) each
  // side, and all four corners, since the projection's meridians converge towards the poles
  const [w, e, south, north] = [Math.min(...lons) - 12, Math.max(...lons) + 12, Math.min(...lats) - 6, Math.max(...lats) + 6];
  const box = [[w, south], [e, south], [w, north], [e, north]];
  const fit = { type: "Feature", geometry: { type: "MultiPoint", coordinates: box } };
  const countries = { values: state.topo, format: { type: "topojson", feature: "countries" } };
  await draw(el, {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width, height: Math.round(width * 0.6),
    projection: { type: "equalEarth", fit },
    layer: [
      { data: countries, mark: { type: "geoshape", fill: "#f1f1f1", stroke: "#c9c9c9", strokeWidth: 0.5, clip: true } },
      { data: countries,
        transform: [{ lookup: "id", from: { data: { values: rows }, key: "iso_numeric", fields: ["name", "standing", "since"] } },
                    { filter: "datum.standing != null && datum.standing != 'outside'" }],
        mark: { type: "geoshape", stroke: "#ffffff", strokeWidth: 0.7, clip: true },
        encoding: {
          color: { field: "standing", type: "nominal", title: `standing on ${st.date}`,
                   scale: { domain: STANDINGS, range: STANDING_COLOURS }, legend: { values: present(rows) } },
          tooltip: [{ field: "name" }, { field: "standing" }, { field: "since" }] } },
    ],
  });
}

async function drawTimeline(iso) {
  const el = $("#fig-timeline");
  const rec = state.record;
  const width = figureWidth(el);
  const spells = rec.spells.filter((s) => s.standing !== "outside");
  const names = [...new Set(spells.map((s) => s.name))];
  const events = rec.events.filter((e) => !e.added_by_rules);
  await draw(el, {
    width, height: Math.max(120, 16 * names.length),
    layer: [
      { data: { values: spells }, mark: { type: "bar", height: 11 },
        encoding: {
          y: { field: "name", type: "nominal", title: null, sort: names, axis: { labelFontSize: 12 } },
          x: { field: "from", type: "temporal", title: null, axis: { format: "%Y", tickCount: Math.max(3, Math.floor(width / 90)) } },
          x2: { field: "to" },
          color: { field: "standing", type: "nominal", title: "standing", scale: { domain: STANDINGS, range: STANDING_COLOURS },
                   legend: { values: present(spells) } },
          tooltip: [{ field: "name" }, { field: "standing" }, { field: "from" }, { field: "to" }] } },
      { data: { values: events }, mark: { type: "tick", color: "#333", thickness: 1, size: 8, yOffset: -6 },
        encoding: { x: { field: "date", type: "temporal" }, y: { value: 0 },
                    tooltip: [{ field: "date" }, { field: "type" }, { field: "summary" }] } },
      { data: { values: [{ date: iso }] }, mark: { type: "rule", color: "#d35400", strokeWidth: 2 },
        encoding: { x: { field: "date", type: "temporal" } } },
    ],
  });
}

function renderEvents() {
  const body = $("#events tbody");
  body.innerHTML = "";
  for (const e of state.record.events) {
    const tr = document.createElement("tr");
    tr.dataset.date = e.date;
    const what = e.summary + (e.outcome ? ` (${e.outcome})` : "") + (e.added_by_rules ? " [by the treaty's rules]" : "");
    for (const text of [e.date, e.type, e.actors.join(" "), what]) {
      const td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}
function markEvents(iso) {
  for (const tr of document.querySelectorAll("#events tbody tr")) tr.classList.toggle("future", tr.dataset.date > iso);
}

// --- who is bound --------------------------------------------------------------------------------
function option(value, text) { const o = document.createElement("option"); o.value = value; o.textContent = text; return o; }
function fillStates(lev) {
  const f = $("#bound-form");
  for (const [sel, blank] of [[f.victim, null], [f.aggressor, null], [$("[name=crisis_victim]"), null], [$("[name=crisis_aggressor]"), "(none)"]]) {
    sel.innerHTML = "";
    if (blank) sel.appendChild(option("", blank));
    for (const s of (sel.name === "crisis_victim" ? lev.members : lev.states)) sel.appendChild(option(s, s));
  }
}

// the place: the victim's own territory, outside it, or one of the scenario's territories (by its code)
const HOME_PLACES = ["own", "outside"];
function fillPlaces(places) {
  const sel = $("#bound-form").place;
  sel.querySelectorAll("option[data-territory]").forEach((o) => o.remove());
  for (const p of places) {
    const o = option(p.code, `${p.name} (${p.code}, territory of ${p.of}${p.until ? ` until ${p.until}` : ""})`);
    o.dataset.territory = "1";
    sel.appendChild(o);
  }
}
function aggressors() { return [...$("#bound-form").aggressor.selectedOptions].map((o) => o.value); }
function boundQuery() {
  const f = $("#bound-form"), home = HOME_PLACES.includes(f.place.value);
  return { alliance: state.alliance, date: f.date.value, victim: f.victim.value, aggressor: aggressors().join(","),
           crisis: f.crisis.value, territory: home ? f.place.value : "own", place: home ? "" : f.place.value,
           requested: f.requested.checked ? "1" : "0" };
}

async function askBound() {
  const q = boundQuery();
  const ob = await api(`/api/bound?${qs(q)}`);
  const box = $("#bound-answer");
  box.innerHTML = "";
  const head = document.createElement("p");
  head.className = ob.casus_foederis ? "yes" : "no";
  head.textContent = (ob.casus_foederis ? "Casus foederis: " : "No casus foederis: ") + ob.reason;
  box.appendChild(head);
  for (const c of ob.conditions) { const p = document.createElement("p"); p.className = "muted"; p.textContent = "Condition: " + c; box.appendChild(p); }
  const t = document.createElement("table");
  t.innerHTML = "<thead><tr><th>member</th><th>standing</th><th>bound</th><th>article</th><th>why</th></tr></thead>";
  const tb = document.createElement("tbody");
  for (const d of ob.duties) {
    const tr = document.createElement("tr");
    for (const [text, cls] of [[d.name, ""], [d.standing, ""], [d.bound ? "yes" : "no", d.bound ? "yes" : "no"], [d.article || "", ""], [d.reason, ""]]) {
      const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  const wrap = document.createElement("div");
  wrap.className = "wide";
  wrap.appendChild(t);
  box.appendChild(wrap);
  box.dataset.answered = [q.date, q.victim, q.aggressor, q.place || q.territory].join(" ");
  setDownloads();
  saveView();
}

// --- forecast and what-if -------------------------------------------------------------------------
function fillLevers(lev) {
  const f = $("#forecast-form");
  f.variant.innerHTML = "";
  f.variant.appendChild(option("", "none"));
  for (const v of lev.variants) f.variant.appendChild(option(v.name, v.title));
  const box = $("#parameters");
  box.innerHTML = "";
  for (const p of lev.parameters) {
    const row = document.createElement("div");
    row.className = "param";
    const step = (p.high - p.low) / 40;
    row.innerHTML = `<label for="p-${p.name}">${p.name}</label>
      <input id="p-${p.name}" type="range" name="param" data-name="${p.name}" data-fitted="${p.value}"
             min="${p.low}" max="${p.high}" step="${step}" value="${p.value}">
      <output for="p-${p.name}">${p.value.toPrecision(3)}</output><span class="doc">${p.doc} (${p.unit})</span>`;
    box.appendChild(row);
    const input = row.querySelector("input");
    input.dataset.fitted = input.value;  // the slider's own nearest step: not moved means no lever
  }
}

function leverSpecs() {
  const f = $("#forecast-form");
  const specs = [];
  if (f.war_on.checked) specs.push(`war-ends:${f.war_date.value}:value=${f.war_share.value}`);
  if (f.cap_on.checked) specs.push(`capacity:${f.cap_date.value}:value=${f.cap_factor.value}`);
  if (f.crisis_on.checked) {
    specs.push(`crisis:${f.crisis_date.value}:state=${f.crisis_victim.value},severity=${f.crisis_severity.value}`
      + (f.crisis_aggressor.value ? `,aggressor=${f.crisis_aggressor.value}` : ""));
  }
  for (const p of document.querySelectorAll("input[name=param]")) {
    if (Math.abs(Number(p.value) - Number(p.dataset.fitted)) > 1e-9) specs.push(`parameter:${p.dataset.name}=${Number(p.value).toPrecision(4)}`);
  }
  return specs;
}

let pending = null;
async function runForecast() {
  const f = $("#forecast-form");
  const body = { alliance: state.alliance, variant: f.variant.value, levers: leverSpecs(),
                 runs: Number(f.runs.value), months: Number(f.months.value), seed: Number(f.seed.value),
                 draws: Number(f.draws.value) };
  const token = {};
  pending = token;
  $("#run").disabled = true;
  try {
    let job = await api("/api/forecast", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    while (!job.finished) {
      $("#progress").value = job.done;
      $("#progress-text").textContent = `${job.stage}: ${Math.round(100 * job.done)}% (${job.seconds.toFixed(1)} s)`;
      await new Promise((r) => setTimeout(r, 150));
      job = await api(`/api/forecast/${job.id}`);
    }
    if (pending !== token) return;  // a newer request replaced this one
    if (job.error) throw new Error(job.error);
    $("#progress").value = 1;
    const k = job.result.settings.draws;
    $("#progress-text").textContent = `done: ${body.runs} runs per arm${k > 1 ? ` across ${k} parameter draws` : ""} in ${job.seconds.toFixed(1)} s`;
    state.job = job;
    await showForecast(job.result);
    saveView();
  } finally {
    if (pending === token) $("#run").disabled = false;
  }
}

async function showForecast(res) {
  const s = res.settings;
  const arm = res.arm === "baseline" ? "baseline only" : `what-if: ${res.levers.join("; ")}`;
  const draws = s.draws > 1 ? `${s.draws} parameter draws` : "the fitted parameters";
  $("#forecast-caption").textContent = `${state.record.name}: ${s.runs} runs, ${s.months} months to ${res.horizon.slice(0, 7)}, seed ${s.seed}, ${draws}; ${arm}`;
  $("#draws-note").textContent = s.draws > 1 ? `${res.draws[0].toUpperCase()}${res.draws.slice(1)}.`
    : "Parameters: the fitted values only (set parameter draws above 1 to see what the record leaves undecided about them).";
  $("#command").textContent = res.command;
  const arms = res.arm === "baseline" ? ["baseline"] : ["baseline", res.arm];
  const colours = arms.map((a) => ARM_COLOURS[a] || ARM_COLOURS["what-if"]);
  const active = res.forecast.filter((r) => r.state === "(expected active members)");
  const el = $("#fig-active");
  const width = figureWidth(el);
  await draw(el, {
    width, height: 220, title: { text: "Expected active members", subtitle: "per month, from zero" },
    data: { values: active }, mark: { type: "line", strokeWidth: 2 },
    encoding: { x: { field: "month", type: "temporal", title: null, axis: { format: "%Y", tickCount: Math.max(3, Math.floor(width / 90)) } },
                y: { field: "active_members", type: "quantitative", title: "active members", scale: { zero: true } },
                color: { field: "arm", type: "nominal", title: null, scale: { domain: arms, range: colours } },
                strokeDash: { field: "arm", type: "nominal", title: null, scale: { domain: arms, range: [[1, 0], [6, 3]] } } },
  });
  await drawHorizon(res, arms, colours);
  await drawExits(res, arms, colours);
  await drawDifference(res);
}

// an interval as two bars: thick, 5-95% across parameter draws; thin, the runs' randomness
function intervalLayers(y, lo, hi, dlo, dhi, colour) {
  const c = colour ? { color: colour } : {};
  return [
    { mark: Object.assign({ type: "rule", strokeWidth: 1.5 }, c), encoding: Object.assign({ x: { field: lo, type: "quantitative" }, x2: { field: hi } }, y) },
    { mark: Object.assign({ type: "rule", strokeWidth: 7, opacity: 0.35, strokeCap: "round" }, c),
      encoding: Object.assign({ x: { field: dlo, type: "quantitative" }, x2: { field: dhi } }, y) },
  ];
}
const pctText = (x) => `${(100 * x).toFixed(0)}%`;
function armEncoding(arms, colours) {
  return { color: { field: "arm", type: "nominal", title: null, scale: { domain: arms, range: colours } } };
}
async function drawHorizon(res, arms, colours) {
  const el = $("#fig-horizon");
  const y = { y: { field: "arm", type: "nominal", title: null, sort: arms } };
  await draw(el, {
    width: figureWidth(el), height: 34 * arms.length,
    title: { text: `Active members in ${res.horizon.slice(0, 7)}`, subtitle: ["expected, from zero; thick: 5-95% across", "parameter draws, thin: 90% of runs"] },
    data: { values: res.at_horizon },
    encoding: Object.assign({}, y, armEncoding(arms, colours)),
    layer: [
      ...intervalLayers({}, "runs_q05", "runs_q95", "draws_q05", "draws_q95"),
      { mark: { type: "point", filled: true, size: 70 },
        encoding: { x: { field: "active_members", type: "quantitative", title: "active members", scale: { zero: true },
                         axis: { tickMinStep: 1, format: "d" } },
                    tooltip: [{ field: "arm" }, { field: "active_members", format: ".2f" }, { field: "draws_q05", title: "draws 5%", format: ".2f" },
                              { field: "draws_q95", title: "draws 95%", format: ".2f" }] } },
    ],
  });
}
async function drawExits(res, arms, colours) {
  const el = $("#fig-exits");
  const y = { y: { field: "state", type: "nominal", title: null, sort: res.members }, yOffset: { field: "arm", sort: arms } };
  await draw(el, {
    width: figureWidth(el), height: Math.max(120, 16 * arms.length * res.members.length),
    title: { text: "Chance of a step out", subtitle: ["freeze, notice, suspension or exit", `by ${res.horizon.slice(0, 7)}; thick: 5-95% across`, "parameter draws, thin: 90% run to run"] },
    data: { values: res.exits }, encoding: Object.assign({}, y, armEncoding(arms, colours)),
    layer: [
      ...intervalLayers({}, "p_exit_runs_q05", "p_exit_runs_q95", "p_exit_draws_q05", "p_exit_draws_q95"),
      { mark: { type: "point", filled: true, size: 60 },
        encoding: { x: { field: "p_exit", type: "quantitative", title: "probability", axis: { format: ".0%" }, scale: { domain: [0, 1] } },
                    shape: { field: "arm", type: "nominal", legend: null },
                    tooltip: [{ field: "arm" }, { field: "state" }, { field: "p_exit", format: ".1%" },
                              { field: "p_exit_draws_q05", title: "draws 5%", format: ".1%" }, { field: "p_exit_draws_q95", title: "draws 95%", format: ".1%" }] } },
    ],
  });
  const t = document.createElement("table");
  t.id = "exits-table";
  t.innerHTML = `<thead><tr><th>member</th>${arms.map((a) => `<th>${a}</th>`).join("")}</tr></thead>`;
  const tb = document.createElement("tbody");
  for (const m of res.members) {
    const tr = document.createElement("tr");
    const cells = [m, ...arms.map((a) => {
      const r = res.exits.find((x) => x.arm === a && x.state === m);
      return `${pctText(r.p_exit)} [${pctText(r.p_exit_draws_q05)}-${pctText(r.p_exit_draws_q95)}] (${pctText(r.p_exit_runs_q05)}-${pctText(r.p_exit_runs_q95)})`;
    })];
    cells.forEach((text) => { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  const box = $("#exits");
  box.innerHTML = "";
  const p = document.createElement("p");
  p.className = "muted";
  p.textContent = `Chance of a step out by ${res.horizon.slice(0, 7)}: probability [5-95% across parameter draws] (90% run to run), as foedus simulate prints it.`;
  box.appendChild(p);
  const wrap = document.createElement("div"); wrap.className = "scroll"; wrap.appendChild(t); box.appendChild(wrap);
}

const WORDS = { "no change": "none", "no clear change": "none", "a small change": "small", higher: "matters", lower: "matters" };
const LABELS = { p_exit: "chance of a step out", p_out: "chance of being out", credibility: "credibility",
                 active_members: "active members", credibility_mean: "mean credibility", refused: "requests refused" };
async function drawDifference(res) {
  const el = $("#fig-difference");
  const box = $("#paired");
  box.innerHTML = "";
  if (!res.paired) {
    el.innerHTML = ""; delete el.dataset.rendered;
    box.innerHTML = '<p class="muted">Choose a built-in what-if or move a lever to see the paired difference against this baseline.</p>';
    return;
  }
  const rows = res.paired.filter((r) => r.metric === "p_exit");
  await draw(el, {
    width: figureWidth(el), height: Math.max(120, 18 * rows.length),
    title: { text: "What-if minus baseline", subtitle: ["chance of a step out, paired run by run;", "thick: 5-95% across parameter draws,", "thin: 95% interval"] },
    data: { values: rows.map((r) => Object.assign({}, r, { size: WORDS[r.verdict] })) },
    layer: [
      { mark: { type: "rule", color: "#999" }, encoding: { x: { datum: 0, type: "quantitative" } } },
      { mark: { type: "errorbar", ticks: true },
        encoding: { y: { field: "state", type: "nominal", title: null, sort: res.members },
                    x: { field: "ci_low", type: "quantitative", title: "difference", axis: { format: "+.1~%", tickCount: 4 } },
                    x2: { field: "ci_high" } } },
      { mark: { type: "rule", strokeWidth: 7, opacity: 0.3, strokeCap: "round", color: "#5b6475" },
        encoding: { y: { field: "state", type: "nominal", sort: res.members },
                    x: { field: "difference_draws_q05", type: "quantitative" }, x2: { field: "difference_draws_q95" } } },
      { mark: { type: "point", filled: true, size: 70 },
        encoding: { y: { field: "state", type: "nominal", sort: res.members }, x: { field: "difference", type: "quantitative" },
                    color: { field: "size", type: "nominal", title: null,
                             scale: { domain: ["none", "small", "matters"], range: ["#9e9e9e", "#5b6475", "#b3261e"] } },
                    tooltip: [{ field: "state" }, { field: "difference", format: "+.1%" }, { field: "verdict" }] } },
    ],
  });
  const t = document.createElement("table");
  t.innerHTML = "<thead><tr><th>figure</th><th>baseline</th><th>what-if</th><th>difference [95%]</th><th>5-95% across draws</th><th>in words</th></tr></thead>";
  const tb = document.createElement("tbody");
  const pct = (m) => m === "p_exit" || m === "p_out";
  const fmt = (m, x, sign) => pct(m) ? `${sign && x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}${sign ? " pts" : "%"}` : `${sign && x >= 0 ? "+" : ""}${x.toFixed(3)}`;
  for (const r of res.paired) {
    const tr = document.createElement("tr");
    const cells = [`${LABELS[r.metric] || r.metric}${r.state ? ", " + r.state : ""}`, fmt(r.metric, r.baseline_mean),
                   fmt(r.metric, r.variant_mean), `${fmt(r.metric, r.difference, true)} [${fmt(r.metric, r.ci_low, true)}, ${fmt(r.metric, r.ci_high, true)}]`,
                   `${fmt(r.metric, r.difference_draws_q05, true)} to ${fmt(r.metric, r.difference_draws_q95, true)}`, r.verdict];
    cells.forEach((text, i) => { const td = document.createElement("td"); td.textContent = text; if (i === 5) td.className = "verdict-" + WORDS[r.verdict]; tr.appendChild(td); });
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  const p = document.createElement("p");
  p.className = "muted";
  p.textContent = "A difference is called higher or lower only where its interval excludes zero and it is large enough to matter "
    + "(2 percentage points of a probability or of credibility, 0.1 member, 0.1 refused request per run); otherwise a small or no clear change.";
  box.appendChild(p);
  const wrap = document.createElement("div"); wrap.className = "scroll"; wrap.appendChild(t); box.appendChild(wrap);
}

// --- downloads and the shareable address ---------------------------------------------------------------
function setDownloads() {
  const params = { alliance: state.alliance, date: $("#date").value };
  for (const p of document.querySelectorAll(".downloads")) {
    const table = p.dataset.table;
    let q = Object.assign({}, params);
    if (table === "bound") q = boundQuery();
    if (p.dataset.job) {
      if (!state.job || (table === "comparison" && !state.job.result.paired)) { p.hidden = true; continue; }
      q = { job: state.job.id };
    }
    p.hidden = table === "bound" && !$("#bound-answer").dataset.answered;
    p.querySelectorAll("a").forEach((a) => a.remove());
    for (const fmt of ["csv", "parquet"]) {
      const a = document.createElement("a");
      a.href = `/api/table/${table}.${fmt}?${qs(q)}`; a.textContent = fmt.toUpperCase(); a.download = `${state.alliance}-${table}.${fmt}`;
      p.appendChild(a);
    }
  }
}

function viewParams() {
  const b = $("#bound-form"), f = $("#forecast-form");
  const v = { a: state.alliance, d: $("#date").value };
  if ($("#bound-answer").dataset.answered) Object.assign(v, { bd: b.date.value, bv: b.victim.value, ba: aggressors().join(","),
    bc: b.crisis.value, bt: b.place.value, br: b.requested.checked ? "1" : "0" });
  if (state.job) Object.assign(v, { fv: f.variant.value, fl: leverSpecs().join(";"), fr: f.runs.value, fm: f.months.value, fs: f.seed.value, fk: f.draws.value });
  return v;
}
function saveView() {
  if (state.restoring) return;
  history.replaceState(null, "", "#" + qs(viewParams()));
}

async function restoreView() {
  const v = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
  state.restoring = true;
  try {
    await loadAlliance(v.a || "csto");
    await showDate(v.d || state.record.last);
    const b = $("#bound-form");
    b.date.value = v.bd || $("#date").value;
    if (v.bv) {
      const named = (v.ba || "").split(",");
      b.victim.value = v.bv; b.crisis.value = v.bc || "armed_attack";
      for (const o of b.aggressor.options) o.selected = named.includes(o.value);
      b.place.value = v.bt || "own"; b.requested.checked = v.br !== "0";
      await askBound();
    }
    if (v.fr) {
      setLevers(v);
      await runForecast();
    }
  } finally {
    state.restoring = false;
  }
  saveView();
}

function setLevers(v) {
  const f = $("#forecast-form");
  f.variant.value = v.fv || ""; f.runs.value = v.fr; f.months.value = v.fm || 120; f.seed.value = v.fs || 1;
  f.draws.value = v.fk ?? 1;  // an address written before the page drew parameters: the fitted values, as it ran then
  for (const spec of (v.fl || "").split(";").filter(Boolean)) {
    const [kind, rest] = [spec.slice(0, spec.indexOf(":")), spec.slice(spec.indexOf(":") + 1)];
    if (kind === "parameter") {
      const [name, value] = rest.split("=");
      const input = document.querySelector(`input[name=param][data-name="${name}"]`);
      if (input) input.value = value;
      continue;
    }
    const [month, opts] = [rest.split(":")[0], Object.fromEntries((rest.split(":")[1] || "").split(",").map((kv) => kv.split("=")))];
    if (kind === "war-ends") { f.war_on.checked = true; f.war_date.value = month; f.war_share.value = opts.value; }
    if (kind === "capacity") { f.cap_on.checked = true; f.cap_date.value = month; f.cap_factor.value = opts.value; }
    if (kind === "crisis") {
      f.crisis_on.checked = true; f.crisis_date.value = month; f.crisis_victim.value = opts.state;
      f.crisis_severity.value = opts.severity; f.crisis_aggressor.value = opts.aggressor || "";
    }
  }
  showOutputs();
}
function showOutputs() {
  const f = $("#forecast-form");
  f.war_share_out.value = Number(f.war_share.value).toFixed(2);
  f.cap_factor_out.value = Number(f.cap_factor.value).toFixed(2);
  f.crisis_severity_out.value = Number(f.crisis_severity.value).toFixed(2);
  for (const p of document.querySelectorAll("input[name=param]")) p.nextElementSibling.value = Number(p.value).toPrecision(3);
  const v = state.levers && state.levers.variants.find((x) => x.name === f.variant.value);
  $("#variant-question").textContent = v ? `${v.question} (${v.levers.join("; ")})` : "";
}

// --- wiring ------------------------------------------------------------------------------------------------
function guard(fn) { return (...args) => { showError(null); return Promise.resolve(fn(...args)).catch(showError); }; }
let leverTimer = null;
function leverMoved() {
  showOutputs();
  if (!state.job) return;  // after the first forecast, a moved lever runs the forecast again
  clearTimeout(leverTimer);
  leverTimer = setTimeout(guard(runForecast), 300);
}

async function fillAlliances(query) {
  const list = await api(`/api/alliances?${qs({ q: query })}`);
  const sel = $("#alliance");
  const keep = state.alliance;
  sel.innerHTML = "";
  for (const a of list) sel.appendChild(option(a.id, a.kind === "ATOP" ? `${a.name}: ${a.title}` : a.name));
  if (![...sel.options].some((o) => o.value === keep)) sel.appendChild(option(keep, keep));
  sel.value = keep;
  return list;
}

document.addEventListener("DOMContentLoaded", guard(async () => {
  await fillAlliances("");
  $("#alliance").addEventListener("change", guard(async (e) => {
    state.job = null;
    await loadAlliance(e.target.value);
    await showDate(state.record.last);
    $("#bound-form").date.value = $("#date").value;
  }));
  $("#atop-search").addEventListener("click", guard(async () => {
    const list = await fillAlliances($("#atop-query").value);
    $("#alliance").size = 1;
    $("#atop-query").dataset.found = String(list.filter((a) => a.kind === "ATOP").length);
  }));
  $("#date").addEventListener("change", guard((e) => showDate(e.target.value)));
  $("#date-slider").addEventListener("input", guard((e) => showDate(isoOfDay(Number(e.target.value)))));
  $("#bound-form").addEventListener("submit", guard(async (e) => { e.preventDefault(); await askBound(); }));
  $("#forecast-form").addEventListener("submit", guard(async (e) => { e.preventDefault(); await runForecast(); }));
  $("#forecast-form").addEventListener("input", (e) => { if (!["runs", "months", "seed", "draws"].includes(e.target.name)) leverMoved(); else showOutputs(); });
  $("#share").addEventListener("click", guard(async () => {
    saveView();
    try { await navigator.clipboard.writeText(location.href); $("#share").textContent = "Link copied"; }
    catch (_) { $("#share").textContent = "Address in the bar"; }
  }));
  window.addEventListener("resize", () => { clearTimeout(state.resize); state.resize = setTimeout(guard(redraw), 300); });
  await restoreView();
  document.body.dataset.ready = "1";
}));

async function redraw() {
  if (!state.record) return;
  await showDate($("#date").value);
  if (state.job) await showForecast(state.job.result);
}
