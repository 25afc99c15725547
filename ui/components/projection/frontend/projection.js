// Allocate's projection (ui/components/projection): the browser runs the mix with the kernel's copy (model.js) on the
// model's tables and draws the headline, how sure it is, the three figures, the view's chart with its band, and the chart
// in words and as a table. The words and the chart's status-quo lines come from the server (its arguments); the amounts
// from the board while it has moves the server has not answered, else from the server. The band (100 draws) is run where a
// slider settles, not at each position of a drag. Every sentence is the one pages/allocate.py drew before (issue 18);
// tests/browser/test_projection_browser.py holds them equal to the engine's. The horizon and the view are chosen here, as two
// groups of radio buttons; a choice goes to the server (the component's value), which answers with that view's chart.
(() => {
  "use strict";
  const post = (type, data) => window.parent.postMessage({isStreamlitMessage: true, apiVersion: 1, type, ...data}, "*");
  const root = document.getElementById("panel");
  let args = null;
  let built = "";         // the words the controls were built for
  let wanted = null;      // {years, view} chosen here, not drawn by the server yet
  let tables = null, tablesUrl = "", failed = false;
  let fromBoard = null;   // {amounts: {id: currency units}, settled}: the board's sliders, newer than the server's
  const statusQuo = new Map();
  const bands = new Map();  // the last few bands, by mix and horizon: a view change does not run the draws again
  let lastHeight = 0;

  const {fill, el} = window.portfolioDom;  // dom.js
  const controls = el("div", {class: "controls"});
  const body = el("div", {class: "body"});

  // Numbers in the page's language, with its marks as the board beside it and Babel on the other pages write them (52.6% and
  // 1,234.5 in English, 52,6 % and 1.234,5 in Spanish), rounded as the page's Python formats round them ("{:.1%}", "{:+.2f}",
  // "{:,.1f}"), never "-0.00".
  const formats = new Map();
  const format = (digits, options = {}) => {
    const key = JSON.stringify([args.lang, digits, options]);
    if (!formats.has(key)) {
      formats.set(key, new Intl.NumberFormat(args.lang, {minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: "always", ...options}));
    }
    return formats.get(key);
  };
  const percent = (value, digits) => format(digits, {style: "percent"}).format(Math.round(value * 10 ** (digits + 2)) / 10 ** (digits + 2) + 0);
  const grouped = (value, digits, sign = false) => format(digits, {signDisplay: sign ? "always" : "auto"}).format(value);
  const rounded = (change) => Math.round(change * 10000) / 100 + 0;  // a change in points, to two decimals
  const signed = (value) => format(2, {signDisplay: "exceptZero"}).format(value);
  const points = (change) => fill(args.texts.points, {change: signed(rounded(change))});

  // Milestones and the headline (portfolio_engine/model/milestones.py): the same case, in the page's words.
  function headline(run, base) {
    const years = run.year, tolerance = 1e-9;
    const thriving = run.thriving.map((v, i) => v - base.thriving[i]);
    const extra = run.suffering.map((v, i) => Math.max(v - base.suffering[i], 0));
    const firstYear = (values, test) => { const i = values.findIndex(test); return i < 0 ? null : years[i]; };
    let peakAt = 0;
    extra.forEach((v, i) => { if (v > extra[peakAt]) peakAt = i; });
    const peak = extra[peakAt] > tolerance, horizon = years[years.length - 1];
    const above = firstYear(thriving, (v) => v > tolerance);
    const below = firstYear(run.suffering.map((v, i) => v - base.suffering[i]), (v) => v < -tolerance);
    const better = below !== null || above !== null;
    const kind = !better ? (peak ? "not_better_peak" : "not_better")
      : !peak ? (below !== null && above !== null ? "better_start" : below !== null ? "better_start_suffering" : "better_start_thriving")
      : below === null ? "better_and_worse" : above !== null ? "worse_before_better_thriving" : "worse_before_better";
    return fill(args.texts.headlines[kind], {horizon, peak_year: years[peakAt], peak: format(2, {signDisplay: "always"}).format(extra[peakAt] * 100),
      below, above});
  }

  function metric(label, value, delta, kind) {
    return el("li", {class: "metric"}, el("div", {class: "label", text: label}), el("div", {class: "value", text: value}),
      el("div", {class: `delta ${kind}`, text: delta}));
  }

  // A change against the status quo: no arrow at no change; up is good for thriving, bad for suffering.
  function changeMetric(label, value, change, words, inverse) {
    if (!rounded(change)) return metric(label, value, `${points(change)}${words}`, "off");
    const up = change > 0;
    const item = metric(label, value, `${points(change)}${words}`, up !== inverse ? "up" : "down");
    item.querySelector(".delta").prepend(el("span", {"aria-hidden": "true", text: up ? "▲ " : "▼ "}));
    return item;
  }

  function bandOf(amounts, years) {
    const key = `${years} ${amounts.join(",")}`;
    if (!bands.has(key)) {
      if (bands.size > 8) bands.delete(bands.keys().next().value);
      bands.set(key, portfolioModel.band(tables, amounts, years));
    }
    return bands.get(key);
  }

  function chart(node, run, base, band) {
    const {data, layout} = args.figure;
    const traces = data.map((trace) => {
      const meta = trace.meta || {};
      if (meta.band) {
        return band ? {...trace, visible: true, y: band.table[`${meta.band}_change_${meta.edge}`].map((v) => v * 100)} : {...trace, visible: false};
      }
      if (!meta.run) return trace;
      const column = run[meta.run];
      return {...trace, y: column.map((v, year) => ((meta.first ? column[0] : v) - (meta.difference ? base[meta.run][year] : 0)) * meta.times)};
    });
    return Plotly.react(node, traces, {...layout, autosize: true}, args.config);
  }

  function table(run, base) {
    const t = args.texts;
    const head = el("tr", {}, ...[t.year, t.thriving_mix, t.suffering_mix, t.thriving_sq, t.suffering_sq, t.cost_mix]
      .map((name) => el("th", {scope: "col", text: name})));
    const rows = run.year.map((year, i) => el("tr", {}, el("th", {scope: "row", text: String(year)}),
      ...[percent(run.thriving[i], 1), percent(run.suffering[i], 1), percent(base.thriving[i], 1), percent(base.suffering[i], 1),
        `${grouped(run.cost_of_harm[i] / args.scale, 1)} ${args.unit}`.trim()].map((text) => el("td", {text}))));
    return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
  }

  // The horizon and the view: radio buttons (arrow keys move within a group), built once per language, kept between draws so
  // the focus stays where it is.
  function buildControls() {
    const t = args.texts;
    const signature = JSON.stringify([args.lang, t.horizon, t.show, t.views, args.horizons, args.views]);
    if (signature === built) return;
    built = signature;
    const group = (name, legend, options) => el("fieldset", {class: "segmented"}, el("legend", {text: legend}),
      ...options.map(([value, label]) => {
        const input = el("input", {type: "radio", name, value: String(value)});
        input.addEventListener("change", () => choose());
        return el("label", {}, input, el("span", {text: label}));
      }));
    controls.replaceChildren(group("years", t.horizon, args.horizons.map((y) => [y, String(y)])),
      group("view", t.show, args.views.map((v) => [v, t.views[v] ?? v])));
  }

  function choose() {
    const value = (name) => controls.querySelector(`input[name=${name}]:checked`).value;
    wanted = {years: Number(value("years")), view: value("view")};
    body.setAttribute("aria-busy", "true");
    post("streamlit:setComponentValue", {value: wanted, dataType: "json"});
  }

  function showChoice() {
    const shown = wanted || {years: args.years, view: args.view};
    for (const input of controls.querySelectorAll("input")) input.checked = input.value === String(shown[input.name]);
  }

  function draw() {
    if (!args) return;
    if (!root.contains(controls)) root.replaceChildren(controls, body);
    buildControls();
    showChoice();
    if (failed) { body.replaceChildren(el("p", {class: "problem", role: "alert", text: args.texts.failed})); height(); return; }
    if (!tables) { body.replaceChildren(el("p", {class: "caption", text: args.texts.loading})); height(); return; }
    const t = args.texts, years = args.years;
    const amounts = tables.ids.map((id, i) => (fromBoard ? fromBoard.amounts[id] : args.amounts[i]));
    const settled = !fromBoard || fromBoard.settled;
    const key = `${tablesUrl} ${years}`;
    if (!statusQuo.has(key)) statusQuo.set(key, portfolioModel.simulate(tables, tables.status_quo, years));
    const base = statusQuo.get(key);
    const run = portfolioModel.simulate(tables, amounts, years);
    const band = settled ? bandOf(amounts, years) : null;
    const at = (columns, name) => columns[name][years];
    const thrivingChange = at(run, "thriving") - at(base, "thriving");
    const line = fill(t.summary, {year: years, thriving: percent(at(run, "thriving"), 1), suffering: percent(at(run, "suffering"), 2),
      thriving_change: points(thrivingChange), suffering_change: points(at(run, "suffering") - at(base, "suffering"))});
    for (let i = 0; i < window.parent.frames.length; i++) {  // the board shows it beside the sliders (a phone sees both)
      window.parent.frames[i].postMessage({type: "portfolio:summary", text: line}, location.origin);
    }
    const parts = [el("p", {class: "headline", text: headline(run, base)})];
    if (band && thrivingChange !== 0) {
      const sentence = fill(band.share_better >= 0.5 ? t.better : t.only_better, {share: percent(band.share_better, 0), draws: band.draws});
      parts.push(el("p", {class: "caption", text: `${sentence} ${t.band_note}`}));
    }
    parts.push(el("ul", {class: "metrics"},
      changeMetric(fill(t.thriving_at, {year: years}), percent(at(run, "thriving"), 1), thrivingChange, t.vs_status_quo, false),
      changeMetric(fill(t.suffering_at, {year: years}), percent(at(run, "suffering"), 2), at(run, "suffering") - at(base, "suffering"), "", true),
      metric(t.realized, percent(at(run, "realized_vital_share"), 1), fill(t.chosen, {share: percent(run.realized_vital_share[0], 1)}), "off")));
    const total = (columns, name) => columns[name].reduce((a, b) => a + b, 0);
    const caption = {Difference: t.difference, "Does the shift hold?": t.shift,
      "Cost of harm": fill(t.cost, {change: grouped((total(run, "cost_of_harm") - total(base, "cost_of_harm")) / args.scale, 1, true), unit: args.unit,
        unmet: grouped(total(run, "unmet_need") * 100, 2)})}[args.view];
    if (caption) parts.push(el("p", {class: "caption", text: caption}));
    const plot = el("div", {id: "chart"});
    parts.push(plot, el("p", {text: fill(t.in_words, {year: years, thriving: percent(at(run, "thriving"), 1), thriving_sq: percent(at(base, "thriving"), 1),
      suffering: percent(at(run, "suffering"), 2), suffering_sq: percent(at(base, "suffering"), 2)})}));
    const open = body.querySelector("details")?.open;
    parts.push(el("details", open ? {open: ""} : {}, el("summary", {text: t.table}), table(run, base)));
    const old = body.querySelector("#chart");
    if (old) parts[parts.indexOf(plot)] = old;  // the chart updates in place (Plotly.react): no flash, its legend state kept
    body.replaceChildren(...parts);
    root.setAttribute("aria-busy", "false");
    if (!wanted) body.setAttribute("aria-busy", "false");
    chart(old || plot, run, base, band).then(height);
    height();
  }

  function height() {
    const h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== lastHeight) { lastHeight = h; post("streamlit:setFrameHeight", {height: h}); }
  }

  function fetchTables() {
    const url = new URL(args.tables, location.href).href;
    if (url === tablesUrl) return;
    tablesUrl = url;
    tables = null;
    failed = false;
    fetch(url).then((answer) => (answer.ok ? answer.json() : Promise.reject(new Error(String(answer.status))))).then((found) => {
      if (url !== tablesUrl) return;
      if (found.version !== portfolioModel.VERSION) throw new Error("tables");
      tables = found;
      draw();
    }).catch(() => { if (url === tablesUrl) { failed = true; draw(); } });
  }

  window.addEventListener("message", (event) => {
    if (event.data?.type === "portfolio:amounts" && event.origin === location.origin) {  // the board, while it has unanswered moves
      fromBoard = event.data.pending ? {amounts: event.data.amounts, settled: event.data.settled} : null;
      draw();
      return;
    }
    if (event.data?.type !== "streamlit:render") return;
    args = {...JSON.parse(event.data.args.panel), amounts: JSON.parse(event.data.args.amounts)};
    if (wanted && wanted.years === args.years && wanted.view === args.view) wanted = null;  // the server drew the choice
    document.documentElement.lang = args.lang;
    fetchTables();
    draw();
  });
  new ResizeObserver(height).observe(document.body);
  window.projectionPanel = {ready: () => Boolean(tables && args)};  // for tests: whether the panel has drawn a projection
  post("streamlit:componentReady", {});
})();
