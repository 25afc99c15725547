// The allocation board (ui/components/allocation_board): Allocate's sliders, locks, keep-the-total, reset and the
// remaining meter as one Streamlit component, speaking Streamlit's component protocol (v1) with postMessage, no library.
// A move shows at once here; the server gets one message per move, and the next one only once it has answered the
// last (or after RESEND_MS): each message holds every event not yet acknowledged, numbered, so none is lost or repeated.
// A pointer's drag is drawn here and sent as one "amount" where it is let go (events.py).
// Until the server answers, the board shows a move's result itself: the other sliders keep the total as the server will
// (model.js's rebalance), and the projection beside the board (ui/components/projection) is told where the sliders are,
// so it follows at once; it sends back the summary line the board shows.
(() => {
  "use strict";
  const RESEND_MS = 5000;
  const instance = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const root = document.getElementById("board");
  let args = null;        // what the server last drew
  let built = "";         // the elements and words the page was built for
  let seq = 0;            // the last event made here
  let acked = 0;          // the last event the server applied
  let sentUpTo = 0;       // the last event sent
  let sentAt = 0;
  let sends = 0;
  let pending = [];       // events not yet acknowledged: [number, kind, element, value]
  const sent = [];        // the kind of each event sent, in order (for tests)
  const widened = {};     // a slider's range widened here, beyond the server's (keyboard past the end)
  const rows = {};
  let dragging = null;    // a pointer's drag not let go yet, drawn here only: {id, value}
  let summary = "";       // the projection's summary of the mix shown

  const post = (type, data) => window.parent.postMessage({isStreamlitMessage: true, apiVersion: 1, type, ...data}, "*");
  const {fill, el} = window.portfolioDom;  // dom.js
  const clean = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits || 0;  // never "-0.00"
  const number = (value, digits) => new Intl.NumberFormat(args.lang, {minimumFractionDigits: digits, maximumFractionDigits: digits})
    .format(clean(value, digits));
  const percent = (value, digits) => new Intl.NumberFormat(args.lang, {style: "percent", minimumFractionDigits: digits,
    maximumFractionDigits: digits}).format(clean(value, digits + 2));

  // What the sliders show: the server's amounts with this board's unanswered events on top.
  function shown() {
    const amounts = {...args.amounts};
    let locked = new Set(args.locked);
    let keep = args.keep_total;
    const move = (id, value) => {  // as the server will apply it (events.Board.move)
      if (locked.has(id)) return;
      amounts[id] = Math.min(Math.max(value, 0), args.budget);
      if (keep) Object.assign(amounts, portfolioModel.rebalance(amounts, id, args.budget, locked));
    };
    for (const [, kind, id, value] of pending) {
      if (kind === "amount" || kind === "drag") move(id, value);
      else if (kind === "lock") { if (value) locked.add(id); else locked.delete(id); }
      else if (kind === "keep") keep = value;
      else if (kind === "reset") {
        for (const e of args.elements) amounts[e.id] = e.status_quo;
        locked = new Set();
      }
    }
    if (dragging) move(dragging.id, dragging.value);
    return {amounts, locked, keep};
  }

  function send(force = false) {
    if (!pending.length) return;
    const waiting = sentUpTo > acked;
    if (waiting && !force) return;
    sent.push(...pending.filter((e) => e[0] > sentUpTo).map((e) => e[1]));
    sentUpTo = pending[pending.length - 1][0];
    sentAt = Date.now();
    sends += 1;
    post("streamlit:setComponentValue", {value: {instance, sent: sends, events: pending.map((e) => [...e])}, dataType: "json"});
  }

  function record(kind, id, value) {
    seq += 1;
    const last = pending[pending.length - 1];
    const isPosition = (k) => k === "amount" || k === "drag";
    if (last && last[0] > sentUpTo && isPosition(kind) && isPosition(last[1]) && last[2] === id) {
      last[0] = seq;  // a drag: the unsent position is replaced by the newer one (and a drag's position by where it was let go)
      last[1] = kind;
      last[3] = value;
    } else {
      pending.push([seq, kind, id, value]);
    }
    update();
    send();
  }

  function build() {
    const t = args.texts;
    root.replaceChildren();
    root.setAttribute("aria-label", t.title);
    document.documentElement.lang = args.lang;
    const keep = el("input", {type: "checkbox", role: "switch", id: "keep", "aria-describedby": "keep-help"});
    keep.addEventListener("change", () => record("keep", null, keep.checked));
    const reset = el("button", {type: "button", class: "reset", text: t.reset});
    reset.addEventListener("click", () => record("reset", null, null));
    const meter = el("meter", {min: "0", max: String(args.budget), "aria-hidden": "true"});
    const remaining = el("div", {class: "remaining", role: "status"}, el("span", {class: "label"}), el("strong"), meter);
    root.append(el("div", {class: "top"}, el("label", {class: "switch", for: "keep"}, keep, el("span", {text: t.keep})), remaining, reset),
      el("p", {class: "hint", id: "keep-help", text: t.keep_help}), el("p", {class: "summary", "aria-live": "off"}));
    for (const family of args.families) {
      const members = args.elements.filter((e) => e.family === family.id);
      const section = el("section", {"aria-labelledby": `f-${family.id}`}, el("h2", {id: `f-${family.id}`}));
      for (const e of members) section.append(row(e, t));
      section.append(el("p", {class: "summary"}));
      root.append(section);
    }
    root.append(el("p", {class: "hint", text: t.more}));
    built = signature();
  }

  function row(e, t) {
    // step "any": an amount loaded from elsewhere (Optimize, a link) shows as it is; keys and drags keep to the step.
    const slider = el("input", {type: "range", id: `s-${e.id}`, min: "0", step: "any", "aria-describedby": `d-${e.id}`});
    const amount = el("input", {type: "number", id: `n-${e.id}`, min: "0", max: String(args.budget), step: String(args.step),
      inputmode: "decimal", "aria-label": fill(t.amount_label, {name: e.name, unit: args.unit})});
    const lock = el("button", {type: "button", class: "lock", "aria-pressed": "false", "aria-label": fill(t.lock_label, {name: e.name})},
      icon(), el("span", {text: t.lock}));
    const mark = el("span", {class: "mark", "aria-hidden": "true", text: t.status_quo_mark});
    const share = el("span", {class: "share", id: `d-${e.id}`});
    // A pointer's drag is drawn here and sends where it was let go as an amount; keys and the number box send amounts.
    const position = () => Math.min(onStep(Number(slider.value)), Number(slider.max));
    slider.addEventListener("input", () => { dragging = {id: e.id, value: position()}; update(); });
    slider.addEventListener("change", () => { dragging = null; record("amount", e.id, position()); });
    slider.addEventListener("keydown", (event) => {
      const value = keyed(event.key, Number(slider.value), Number(slider.max));
      if (value === null) return;
      event.preventDefault();
      if (value > Number(slider.max)) {  // the keyboard may go past the range's end, up to the whole budget
        widened[e.id] = Math.min(args.budget, Math.ceil((value * 1.5) / args.step) * args.step);
        slider.max = String(widened[e.id]);
      }
      slider.value = String(value);
      record("amount", e.id, value);
    });
    amount.addEventListener("change", () => {
      const value = Number(amount.value);
      if (amount.value === "" || !Number.isFinite(value) || value < 0) { update(); return; }
      const typed = Math.min(value, args.budget);
      if (typed > Number(slider.max)) widened[e.id] = Math.min(args.budget, Math.ceil((typed * 1.25) / args.step) * args.step);
      record("amount", e.id, typed);
    });
    lock.addEventListener("click", () => record("lock", e.id, lock.getAttribute("aria-pressed") !== "true"));
    rows[e.id] = {slider, amount, lock, mark, share};
    return el("div", {class: "row"},
      el("div", {class: "head"}, el("label", {class: "name", for: `s-${e.id}`, text: e.name}), lock),
      el("div", {class: "track"}, slider, mark),
      el("div", {class: "foot"}, amount, share),
      el("details", {}, el("summary", {text: t.details}), el("p", {text: e.help})));
  }

  const onStep = (value) => Math.round(Math.round(value / args.step) * args.step * 1e6) / 1e6;

  // A slider's key: the next step up or down (from an amount between steps, the nearest step that way), a tenth of the
  // range with Page keys, the ends with Home and End; null for other keys.
  function keyed(key, value, max) {
    const s = args.step;
    const big = Math.max(s, onStep(max / 10));
    const next = {ArrowRight: Math.floor(value / s + 1e-9) * s + s, ArrowUp: Math.floor(value / s + 1e-9) * s + s,
      ArrowLeft: Math.ceil(value / s - 1e-9) * s - s, ArrowDown: Math.ceil(value / s - 1e-9) * s - s,
      PageUp: value + big, PageDown: value - big, Home: 0, End: max}[key];
    if (next === undefined) return null;
    return Math.min(args.budget, Math.max(0, onStep(next)));
  }

  function icon() {  // a padlock drawn here: no icon font, no emoji font needed
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 1 1 6 0v3H9z");
    svg.append(path);
    return svg;
  }

  function update() {
    const t = args.texts;
    const {amounts, locked, keep} = shown();
    const total = Object.values(amounts).reduce((a, b) => a + b, 0);
    const left = Math.round((args.budget - total) * 100) / 100;
    root.querySelector("#keep").checked = keep;
    const remaining = root.querySelector(".remaining");
    remaining.classList.toggle("over", left < 0);
    remaining.querySelector(".label").textContent = left < 0 ? t.over : t.remaining;
    remaining.querySelector("strong").textContent = `${number(Math.abs(left), 2)} ${args.unit}`;
    remaining.querySelector("meter").value = Math.min(total, args.budget);
    tell(amounts);
    for (const node of root.querySelectorAll(".summary")) node.textContent = summary;
    for (const family of args.families) {
      const sum = args.elements.filter((e) => e.family === family.id).reduce((a, e) => a + amounts[e.id], 0);
      root.querySelector(`#f-${family.id}`).textContent = fill(t.family, {family: family.name, amount: number(sum, 1), unit: args.unit,
        share: percent(sum / args.budget, 0)});
    }
    for (const e of args.elements) {
      const r = rows[e.id];
      const value = amounts[e.id];
      const max = Math.max(args.ranges[e.id], widened[e.id] || 0, value);
      const held = locked.has(e.id);
      r.slider.max = String(max);
      if (document.activeElement !== r.slider || Number(r.slider.value) !== value) r.slider.value = String(value);
      if (document.activeElement !== r.amount) r.amount.value = value.toFixed(2);
      r.slider.disabled = r.amount.disabled = held;
      r.lock.setAttribute("aria-pressed", String(held));
      r.lock.lastChild.textContent = held ? t.locked : t.lock;
      const where = Math.min(1, e.status_quo / max);
      r.mark.style.left = `${where * 100}%`;
      r.mark.classList.toggle("end", where > 0.85);
      r.mark.classList.toggle("start", where < 0.1);
      const values = {amount: number(value, 2), unit: args.unit, share: percent(value / args.budget, 1), status_quo: number(e.status_quo, 1),
        status_quo_share: percent(e.status_quo / args.budget, 1)};
      r.share.textContent = fill(t.share, values);
      r.slider.setAttribute("aria-valuetext", fill(t.value_text, {...values, status_quo: `${values.status_quo} ${args.unit}`}));
    }
    height();
  }

  // Where the sliders are, to the projection beside the board (only a frame of this origin can read it): while the server
  // has moves not answered yet (or a drag not let go), the projection draws these amounts, and the band once they settle.
  function tell(amounts) {
    const scaled = Object.fromEntries(Object.entries(amounts).map(([id, value]) => [id, value * args.scale]));
    const message = {type: "portfolio:amounts", amounts: scaled, pending: Boolean(pending.length || dragging), settled: !dragging};
    for (let i = 0; i < window.parent.frames.length; i++) window.parent.frames[i].postMessage(message, location.origin);
  }

  const signature = () => JSON.stringify([args.lang, args.elements, args.families, args.texts]);
  let lastHeight = 0;
  function height() {
    const h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== lastHeight) { lastHeight = h; post("streamlit:setFrameHeight", {height: h}); }
  }

  window.addEventListener("message", (event) => {
    if (event.data?.type === "portfolio:summary" && event.origin === location.origin) {  // from the projection
      summary = event.data.text;
      for (const node of root.querySelectorAll(".summary")) node.textContent = summary;
      return;
    }
    if (event.data?.type !== "streamlit:render") return;
    args = {...JSON.parse(event.data.args.board), amounts: JSON.parse(event.data.args.amounts)};  // two strings (__init__.draw)
    if (args.ack && args.ack.instance === instance) {
      acked = Math.max(acked, args.ack.seq);
      pending = pending.filter((e) => e[0] > acked);
    }
    if (signature() !== built) build();
    update();
    send();  // events made while the last message was on its way
  });
  setInterval(() => { if (sentUpTo > acked && Date.now() - sentAt > RESEND_MS) send(true); }, 1000);
  new ResizeObserver(height).observe(document.body);
  window.allocationBoard = {pending: () => pending.length, sent: () => [...sent]};  // for tests: moves not yet answered, kinds sent
  post("streamlit:componentReady", {});
})();
