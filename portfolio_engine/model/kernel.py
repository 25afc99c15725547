"""The integrator's inner loop, compiled with numba: one row (portfolio x community x assumption draw) at a time.

Why compiled: a slider move, the optimizer's gradients and the uncertainty band all run this loop; in numpy
every one of its ~80 operations per step is a separate call on tiny arrays, so Python overhead dominated.
Rows are independent (each row carries its own politics), so the loop runs over rows and then over steps,
on scalars. The equations are those of docs/model.md, in the order dynamics.py used to apply them.
"""

import numpy as np
from numba import njit

# Columns of the per-draw parameter table (`params`): rates are per step, delays as step fractions.
RISE, SLIP, FALL, RESTORE = 0, 1, 2, 3
LIFT_EXP, STEADY_EXP, PREVENT_EXP, RESTORE_EXP = 4, 5, 6, 7
SATURATION, CIVIC_BASE, RESISTANCE_HALF, RHO, FLOOR = 8, 9, 10, 11, 12
V0, U0, PRESSURE, POLITICAL, PERCEPTION = 13, 14, 15, 16, 17
LEARNING, ORGANIZING, ADVOCACY_WEIGHT, BELONGING_EXP = 18, 19, 20, 21
UNIT_COST, UNMET_COST, DT, EFFICIENCY_CEILING, UNMET_SPREAD = 22, 23, 24, 25, 26
PARAMS = 27

# Rows of the output table, in dynamics.OUTPUTS order.
N_OUTPUTS = 11
# How far an anchored place's own rates may differ from the model's (factors on rise and fall).
ANCHOR_LIMITS = (0.2, 5.0)


@njit(cache=True, error_model="numpy", nogil=True)
def integrate(d: np.ndarray, f: np.ndarray, v: np.ndarray, c: np.ndarray, start: np.ndarray, capacity0: np.ndarray,
              offset: np.ndarray, anchored: np.ndarray, draw: np.ndarray, params: np.ndarray, weights: np.ndarray, gain: np.ndarray,
              vital_weights: np.ndarray, civic: int, fall_scale: np.ndarray, years: int, per_year: int) -> np.ndarray:
    """Outputs (N_OUTPUTS, rows, years + 1) for funding terms d, f (rows, elements) and each row's start.

    start: (rows, 3) thriving, struggling, suffering; capacity0: (rows, elements) at the start, where the capacity
    settles under the status quo (a place's structural level); offset = capacity0 - 1: money adds capacity on
    top of the structural level, never below 0. draw: (rows,) index into
    params (draws, PARAMS), weights (draws, elements, 4) and gain (draws, elements) = dt / delay.
    An anchored row's start is its own steady state under the status quo: the rise and fall rates are scaled
    at step 0 so its flows balance (within ANCHOR_LIMITS), and its services and politics are measured against
    its own starting suffering. fall_scale (steps,) multiplies the fall rate (a harm shock); ones otherwise.
    """
    rows, elements = d.shape
    out = np.empty((N_OUTPUTS, rows, years + 1))
    powed = np.empty(elements)
    index = np.empty(4)
    capacity = np.empty(elements)
    last = years * per_year
    for n in range(rows):
        p = params[draw[n]]
        w = weights[draw[n]]
        g = gain[draw[n]]
        h, rho, floor, v0 = p[SATURATION], p[RHO], p[FLOOR], p[V0]
        u0 = max(start[n, 2], 1e-9) if anchored[n] else p[U0]
        rise_anchor, fall_anchor = 1.0, 1.0
        serve, restore_base = 2.0 * p[RESTORE], p[RESTORE]
        be = p[BELONGING_EXP]
        thriving, struggling, suffering = start[n, 0], start[n, 1], start[n, 2]
        for i in range(elements):
            capacity[i] = capacity0[n, i]
        realized = v[n]
        shift = v[n] - v0
        ceiling = 1.0 - c[n]
        perceived = suffering
        efficiency = 1.0
        advocacy = 0.0
        inverse, unit = 1.0 / rho, 1.0 / (1.0 + floor)
        lift_unit, restore_unit = unit ** p[LIFT_EXP], unit ** p[RESTORE_EXP]
        for step in range(last + 1):
            # Channel indexes: CES aggregates of capacities (complements), 1 at the status quo. The lift and restore
            # indexes are only ever used raised to their exponents, so each takes one power, not two.
            for i in range(elements):
                powed[i] = (capacity[i] + floor) ** rho
            for k in range(4):
                total = 0.0
                for i in range(elements):
                    total += powed[i] * w[i, k]
                index[k] = total
            for k in (1, 2):
                index[k] = index[k] ** inverse * unit
            civic_capacity = capacity[civic]
            leaning = ((1.0 + h) / (civic_capacity + h)) ** be  # belonging: civic muscle lifts and steadies
            rise = min(index[0] ** (p[LIFT_EXP] * inverse) * lift_unit / leaning * p[RISE] * rise_anchor, 1.0)
            slip = min(((1.0 + h) / (index[1] + h)) ** p[STEADY_EXP] * leaning * p[SLIP], 1.0)
            served_capacity = u0 * index[3] ** (p[RESTORE_EXP] * inverse) * restore_unit * efficiency
            restore = min(serve * served_capacity / (suffering + served_capacity), 1.0)
            unmet_share = max(1.0 - restore / restore_base, 0.0)
            spread = 1.0 + p[UNMET_SPREAD] * unmet_share  # unmet need pulls more households into crisis
            fall = min(((1.0 + h) / (index[2] + h)) ** p[PREVENT_EXP] * leaning * p[FALL] * fall_scale[step] * spread * fall_anchor, 1.0)
            if step == 0 and anchored[n] and struggling > 0:
                # Balance the starting flows: rising = slipping and falling = restoring at the status quo.
                rise_anchor = min(max(slip * thriving / (rise * struggling), ANCHOR_LIMITS[0]), ANCHOR_LIMITS[1]) if rise > 0 else 1.0
                fall_anchor = min(max(restore * suffering * fall_scale[0] / (fall * struggling), ANCHOR_LIMITS[0]), ANCHOR_LIMITS[1]) if fall > 0 else 1.0
                rise = min(rise * rise_anchor, 1.0)
                fall = min(fall * fall_anchor, 1.0)
            civic_muscle = civic_capacity * (p[CIVIC_BASE] + thriving)
            if step % per_year == 0:
                year = step // per_year
                vital = 0.0
                for i in range(elements):
                    vital += powed[i] * vital_weights[i]
                out[0, n, year] = thriving
                out[1, n, year] = struggling
                out[2, n, year] = suffering
                out[3, n, year] = vital ** inverse * unit
                out[4, n, year] = index[3] ** inverse * unit
                out[5, n, year] = civic_muscle
                out[6, n, year] = realized
                out[7, n, year] = p[UNIT_COST] * restore / p[DT] * suffering
                out[8, n, year] = unmet_share * suffering
                out[9, n, year] = out[7, n, year] + p[UNMET_COST] * unmet_share * suffering
                out[10, n, year] = efficiency
                if step == last:
                    break
            leaving = min(1.0, 1.0 / (rise + fall)) * struggling
            slipping = slip * thriving
            rising = rise * leaving
            falling = fall * leaving
            restoring = restore * suffering
            resistance = civic_muscle / (civic_muscle + p[RESISTANCE_HALF])
            felt = perceived - u0
            target = min(max(resistance * shift + v0 - p[PRESSURE] * felt + p[ADVOCACY_WEIGHT] * advocacy, 0.0), ceiling)
            for i in range(elements):
                capacity[i] = capacity[i] * (1.0 - g[i]) + max(realized * d[n, i] + f[n, i] + offset[n, i], 0.0) * g[i]
            realized += (target - realized) * p[POLITICAL]
            perceived += (suffering - perceived) * p[PERCEPTION]
            advocacy += (resistance * (felt + unmet_share * suffering) - advocacy) * p[ORGANIZING]
            efficiency += p[LEARNING] * unmet_share * (p[EFFICIENCY_CEILING] - efficiency) / (p[EFFICIENCY_CEILING] - 1.0)
            thriving += rising - slipping
            struggling += slipping + restoring - rising - falling
            suffering += falling - restoring
    return out
