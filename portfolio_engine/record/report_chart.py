"""The printable report's chart: grouped horizontal bars per element as static SVG (prints, needs no script or network)."""

import re
import unicodedata
from collections.abc import Mapping
from html import escape

from portfolio_engine.model.catalog import Catalog

COLORS = ("#8c8c8c", "#2166ac", "#e08214", "#1b7837", "#762a83")  # status quo grey, then the decision, the residents' vote...
ROW, BAR, LABEL_WIDTH, PLOT_WIDTH, TOP = 34, 9, 260, 420, 40


def bars_svg(catalog: Catalog, series: Mapping[str, Mapping[str, float]], scale: float, unit: str) -> str:
    """One group of bars per element, one bar per series (first is drawn grey), amounts divided by `scale` and labelled in `unit`."""
    labels = list(series)
    largest = max((v for amounts in series.values() for v in amounts.values()), default=0.0) or 1.0
    height = TOP + ROW * len(catalog.elements) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{LABEL_WIDTH + PLOT_WIDTH + 90}" height="{height}" '
             f'font-family="system-ui, sans-serif" font-size="12"><title>Allocations by element ({escape(unit)})</title>']
    for n, label in enumerate(labels):
        parts.append(f'<rect x="{LABEL_WIDTH + 170 * n}" y="6" width="12" height="12" fill="{COLORS[n % len(COLORS)]}"/>'
                     f'<text x="{LABEL_WIDTH + 170 * n + 16}" y="16">{escape(label[:24])}</text>')
    for row, element in enumerate(catalog.elements):
        y = TOP + ROW * row
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW / 2}" text-anchor="end">{escape(element.name[:40])}</text>')
        for n, label in enumerate(labels):
            value = float(series[label].get(element.id, 0.0))
            width = PLOT_WIDTH * value / largest
            top = y + 3 + n * BAR * 3 / max(len(labels), 1)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{top:.1f}" width="{width:.1f}" height="{BAR * 3 / max(len(labels), 1) - 1:.1f}" '
                         f'fill="{COLORS[n % len(COLORS)]}"><title>{escape(label)}: {value / scale:,.2f} {escape(unit)}</title></rect>')
        best = max(float(series[label].get(element.id, 0.0)) for label in labels)
        parts.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH * best / largest + 4:.1f}" y="{y + ROW / 2}" fill="#555">'
                     f'{best / scale:,.1f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def file_name(name: str, suffix: str) -> str:
    """A clean download name from a workshop's name: lower-case letters, digits and hyphens ('Riverside 2027 (demo)' -> 'riverside-2027')."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"\([^)]*\)", " ", plain.lower())
    slug = "-".join(re.findall(r"[a-z0-9]+", words))[:40].strip("-") or "workshop"
    return f"{slug}{suffix}"
