// The browser's copy of the engine's kernel (portfolio_engine/model/kernel.py, dynamics._funding_terms, uncertainty's
// band and portfolio.rebalance), so a slider's position shows its projection before the server answers. It reads only the
// tables the engine made for this model (portfolio_engine/model/portable.py); tests/browser/test_board_model.py keeps
// its runs equal to the engine's. The equations are those of docs/model.md; keep both copies in step.
(() => {
  "use strict";
  const VERSION = 1;
  const OUTPUTS = ["thriving", "struggling", "suffering", "vital_conditions_index", "urgent_capacity_index", "civic_muscle_index",
    "realized_vital_share", "urgent_cost", "unmet_need", "cost_of_harm", "service_efficiency"];
  // Columns of a parameter row (kernel.py).
  const [RISE, SLIP, FALL, RESTORE, LIFT_EXP, STEADY_EXP, PREVENT_EXP, RESTORE_EXP, SATURATION, CIVIC_BASE, RESISTANCE_HALF, RHO,
    FLOOR, V0, U0, PRESSURE, POLITICAL, PERCEPTION, LEARNING, ORGANIZING, ADVOCACY_WEIGHT, BELONGING_EXP, UNIT_COST, UNMET_COST,
    DT, EFFICIENCY_CEILING, UNMET_SPREAD] = Array.from({length: 27}, (_, i) => i);
  const ANCHOR_LIMITS = [0.2, 5.0];
  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);

  // A portfolio's funding terms (D, F, v, c): funding ratios are r = A * D + F for a realized vital share A.
  function fundingTerms(tables, amounts) {
    const sq = tables.status_quo;
    const n = sq.length;
    const budget = amounts.reduce((a, b) => a + b, 0);
    const mix = (mask) => {
      const total = amounts.reduce((a, value, i) => a + (mask[i] ? value : 0), 0);
      const base = sq.reduce((a, value, i) => a + (mask[i] ? value : 0), 0);
      return amounts.map((value, i) => (mask[i] ? (total > 0 ? value / total : sq[i] / base) : 0));
    };
    const vitalMix = mix(tables.vital);
    const urgentMix = mix(tables.urgent);
    const civicAmount = amounts[tables.civic];
    const v = budget > 0 ? amounts.reduce((a, value, i) => a + (tables.vital[i] ? value : 0), 0) / budget : 0;
    const c = budget > 0 ? civicAmount / budget : 0;
    const d = new Float64Array(n);
    const f = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      d[i] = (budget * (vitalMix[i] - urgentMix[i])) / sq[i];
      f[i] = (budget * (1 - c) * urgentMix[i]) / sq[i];
    }
    f[tables.civic] = civicAmount / sq[tables.civic];
    return {d, f, v, c};
  }

  // One row of the kernel: one portfolio under one set of assumptions, from one start. Returns OUTPUTS x (years + 1).
  function integrate(terms, start, capacity0, anchored, p, w, g, vitalWeights, civic, years, perYear) {
    const {d, f, v, c} = terms;
    const elements = d.length;
    const out = OUTPUTS.map(() => new Float64Array(years + 1));
    const powed = new Float64Array(elements);
    const index = new Float64Array(4);
    const capacity = Float64Array.from(capacity0);
    const offset = capacity0.map((value) => value - 1);
    const last = years * perYear;
    const h = p[SATURATION], rho = p[RHO], floor = p[FLOOR], v0 = p[V0];
    const u0 = anchored ? Math.max(start[2], 1e-9) : p[U0];
    let riseAnchor = 1, fallAnchor = 1;
    const serve = 2 * p[RESTORE], restoreBase = p[RESTORE];
    const be = p[BELONGING_EXP];
    let [thriving, struggling, suffering] = start;
    let realized = v;
    const shift = v - v0;
    const ceiling = 1 - c;
    let perceived = suffering, efficiency = 1, advocacy = 0;
    const inverse = 1 / rho, unit = 1 / (1 + floor);
    const liftUnit = unit ** p[LIFT_EXP], restoreUnit = unit ** p[RESTORE_EXP];
    for (let step = 0; step <= last; step++) {
      for (let i = 0; i < elements; i++) powed[i] = (capacity[i] + floor) ** rho;
      for (let k = 0; k < 4; k++) {
        let total = 0;
        for (let i = 0; i < elements; i++) total += powed[i] * w[i][k];
        index[k] = total;
      }
      for (const k of [1, 2]) index[k] = index[k] ** inverse * unit;
      const civicCapacity = capacity[civic];
      const leaning = ((1 + h) / (civicCapacity + h)) ** be;
      let rise = Math.min(index[0] ** (p[LIFT_EXP] * inverse) * liftUnit / leaning * p[RISE] * riseAnchor, 1);
      const slip = Math.min(((1 + h) / (index[1] + h)) ** p[STEADY_EXP] * leaning * p[SLIP], 1);
      const servedCapacity = u0 * index[3] ** (p[RESTORE_EXP] * inverse) * restoreUnit * efficiency;
      const restore = Math.min(serve * servedCapacity / (suffering + servedCapacity), 1);
      const unmetShare = Math.max(1 - restore / restoreBase, 0);
      const spread = 1 + p[UNMET_SPREAD] * unmetShare;
      let fall = Math.min(((1 + h) / (index[2] + h)) ** p[PREVENT_EXP] * leaning * p[FALL] * spread * fallAnchor, 1);
      if (step === 0 && anchored && struggling > 0) {
        riseAnchor = rise > 0 ? clamp(slip * thriving / (rise * struggling), ...ANCHOR_LIMITS) : 1;
        fallAnchor = fall > 0 ? clamp(restore * suffering / (fall * struggling), ...ANCHOR_LIMITS) : 1;
        rise = Math.min(rise * riseAnchor, 1);
        fall = Math.min(fall * fallAnchor, 1);
      }
      const civicMuscle = civicCapacity * (p[CIVIC_BASE] + thriving);
      if (step % perYear === 0) {
        const year = step / perYear;
        let vital = 0;
        for (let i = 0; i < elements; i++) vital += powed[i] * vitalWeights[i];
        out[0][year] = thriving;
        out[1][year] = struggling;
        out[2][year] = suffering;
        out[3][year] = vital ** inverse * unit;
        out[4][year] = index[3] ** inverse * unit;
        out[5][year] = civicMuscle;
        out[6][year] = realized;
        out[7][year] = p[UNIT_COST] * restore / p[DT] * suffering;
        out[8][year] = unmetShare * suffering;
        out[9][year] = out[7][year] + p[UNMET_COST] * unmetShare * suffering;
        out[10][year] = efficiency;
        if (step === last) break;
      }
      const leaving = Math.min(1, 1 / (rise + fall)) * struggling;
      const slipping = slip * thriving;
      const rising = rise * leaving;
      const falling = fall * leaving;
      const restoring = restore * suffering;
      const resistance = civicMuscle / (civicMuscle + p[RESISTANCE_HALF]);
      const felt = perceived - u0;
      const target = Math.min(Math.max(resistance * shift + v0 - p[PRESSURE] * felt + p[ADVOCACY_WEIGHT] * advocacy, 0), ceiling);
      for (let i = 0; i < elements; i++) capacity[i] = capacity[i] * (1 - g[i]) + Math.max(realized * d[i] + f[i] + offset[i], 0) * g[i];
      realized += (target - realized) * p[POLITICAL];
      perceived += (suffering - perceived) * p[PERCEPTION];
      advocacy += (resistance * (felt + unmetShare * suffering) - advocacy) * p[ORGANIZING];
      efficiency += p[LEARNING] * unmetShare * (p[EFFICIENCY_CEILING] - efficiency) / (p[EFFICIENCY_CEILING] - 1);
      thriving += rising - slipping;
      struggling += slipping + restoring - rising - falling;
      suffering += falling - restoring;
    }
    return out;
  }

  function check(tables, amounts, years) {
    if (!tables || tables.version !== VERSION) throw new Error(`model tables of version ${tables && tables.version}, expected ${VERSION}`);
    if (amounts.length !== tables.status_quo.length || amounts.some((a) => !Number.isFinite(a) || a < 0)) throw new Error("bad amounts");
    if (!Number.isInteger(years) || years < 0) throw new Error("bad years");
  }

  // Every draw of an ensemble (the central one, or the band's): a list of OUTPUTS x (years + 1) runs.
  function runs(tables, ensemble, amounts, years) {
    const terms = fundingTerms(tables, amounts);
    const start = tables.start;
    const capacity0 = start ? start.capacity : tables.status_quo.map(() => 1);
    return ensemble.params.map((p, k) => integrate(terms, start ? start.shares : ensemble.equilibria[k], capacity0, Boolean(start && start.anchored),
      p, ensemble.weights[k], ensemble.gain[k], tables.vital_weights, tables.civic, years, tables.per_year));
  }

  const columns = (run, years) => Object.fromEntries([["year", Array.from({length: years + 1}, (_, i) => i)],
    ...OUTPUTS.map((name, i) => [name, Array.from(run[i])])]);

  // One portfolio (amounts in catalog order, currency units) under the central assumptions: {year, thriving, ...}.
  function simulate(tables, amounts, years) {
    check(tables, amounts, years);
    return columns(runs(tables, tables.central, amounts, years)[0], years);
  }

  // numpy's default percentile (linear between the two nearest ranks).
  function percentile(sorted, q) {
    const at = (q / 100) * (sorted.length - 1);
    const low = Math.floor(at), high = Math.ceil(at), t = at - low;
    const a = sorted[low], b = sorted[high];
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  }

  const statusQuoRuns = new WeakMap();  // per tables and horizon: the status quo under every draw, made once

  function baseRuns(tables, years) {
    let held = statusQuoRuns.get(tables);
    if (!held) statusQuoRuns.set(tables, (held = new Map()));
    if (!held.has(years)) held.set(years, runs(tables, tables.draws, tables.status_quo, tables.start ? years : 0));
    return held.get(years);
  }

  // The band of a portfolio across the draws, as uncertainty.band summarizes it: per year, the 10th, 50th and 90th
  // percentiles of each output in `outputs` and of its change from the status quo in the same draw, and the share of
  // draws where thriving at the horizon beats the status quo's.
  function band(tables, amounts, years, outputs = ["thriving", "suffering"]) {
    check(tables, amounts, years);
    const chosen = runs(tables, tables.draws, amounts, years);
    const base = baseRuns(tables, years);
    const held = (run, i, year) => run[i][tables.start ? year : 0];  // without a start the status quo stays at its equilibrium
    const table = {year: Array.from({length: years + 1}, (_, i) => i)};
    for (const name of outputs) {
      const i = OUTPUTS.indexOf(name);
      for (const suffix of ["", "_change"]) for (const q of [10, 50, 90]) table[`${name}${suffix}_p${q}`] = [];
      for (let year = 0; year <= years; year++) {
        const values = chosen.map((run) => run[i][year]).sort((a, b) => a - b);
        const changes = chosen.map((run, k) => run[i][year] - held(base[k], i, year)).sort((a, b) => a - b);
        for (const q of [10, 50, 90]) {
          table[`${name}_p${q}`].push(percentile(values, q));
          table[`${name}_change_p${q}`].push(percentile(changes, q));
        }
      }
    }
    const better = chosen.filter((run, k) => run[0][years] > held(base[k], 0, years) + 1e-9).length;
    return {table, share_better: better / chosen.length, draws: chosen.length, seed: tables.seed};
  }

  // Keep the total at the budget after `changed` moved, scaling the other unlocked elements (portfolio.rebalance).
  function rebalance(amounts, changed, budget, locked = new Set()) {
    const result = {...amounts};
    const free = Object.keys(amounts).filter((k) => k !== changed && !locked.has(k));
    const fixed = Object.keys(amounts).filter((k) => k !== changed && !free.includes(k)).reduce((a, k) => a + amounts[k], 0);
    result[changed] = Math.min(amounts[changed], Math.max(budget - fixed, 0));
    const rest = Math.max(budget - fixed - result[changed], 0);
    if (!free.length) return result;
    const current = free.reduce((a, k) => a + amounts[k], 0);
    for (const k of free) result[k] = rest * (current > 0 ? amounts[k] / current : 1 / free.length);
    return result;
  }

  window.portfolioModel = {VERSION, OUTPUTS, simulate, band, rebalance};
})();
