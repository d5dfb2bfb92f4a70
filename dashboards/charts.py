"""Server-rendered SVG charts: horizontal bars, lines over the years, and a map with circles.

Each function returns safe SVG markup sized by its viewBox (it scales to the page width).
The figures themselves are in the table printed beside each chart; the SVG carries
role="img" and an aria-label so a screen reader announces it and moves on to the table.
"""

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from . import geo

PALETTE = ["#17406d", "#b4470b", "#1e6b3a", "#7a4d00", "#6b2d8f"]
FONT = 'font-family="system-ui, sans-serif"'


def fmt(value, decimals=0):
    """A figure as the French read it: thin grouping, comma decimals."""
    if value is None:
        return "—"
    return number_format(Decimal(value), decimals, use_l10n=True, force_grouping=True)


def _svg(width, height, label, body, kind):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" class="chart-svg chart-{kind}" preserveAspectRatio="xMinYMin meet">{body}</svg>'
    )


def bar_chart(items, *, label, decimals=0, color=PALETTE[0]):
    """items: [(text, value)] as horizontal bars, each with its label above it (readable on a phone)."""
    items = [(str(text), value or 0) for text, value in items]
    if not items:
        return ""
    width, bar_width, row = 400, 300, 42
    height = row * len(items) + 4
    top = max(float(value) for _text, value in items) or 1.0
    parts = []
    for index, (text, value) in enumerate(items):
        y = 4 + index * row
        length = max(2.0, float(value) / top * bar_width) if value else 0
        short = text if len(text) <= 60 else text[:59] + "…"
        parts.append(format_html(
            '<text x="0" y="{}" font-size="14" {} fill="#1b2430">{}</text>'
            '<rect x="0" y="{}" width="{}" height="14" fill="{}" rx="2"><title>{} : {}</title></rect>'
            '<text x="{}" y="{}" font-size="14" font-weight="600" {} fill="#1b2430">{}</text>',
            y + 14, mark_safe(FONT), short,
            y + 20, round(length, 1), color, text, fmt(value, decimals),
            round(length + 6, 1), y + 32, mark_safe(FONT), fmt(value, decimals),
        ))
    return _svg(width, height, label, "".join(parts), "bars")


def line_chart(xs, series, *, label, decimals=0, ceiling=None):
    """xs: the years; series: [(name, [value per x])], one line each, with a legend.

    `ceiling` fixes the top of the scale (100 for a percentage), else the highest value.
    """
    if not xs:
        return ""
    width, height, left, right, top, bottom = 420, 280, 58, 16, 30 + 20 * len(series), 30
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = ceiling or max((float(v or 0) for _name, values in series for v in values), default=0) or 1.0
    step = plot_w / max(1, len(xs) - 1)

    def point(index, value):
        x = left + (index * step if len(xs) > 1 else plot_w / 2)
        return round(x, 1), round(top + plot_h - float(value or 0) / highest * plot_h, 1)

    parts = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#5b6573"/>', left, top + plot_h, width - right, top + plot_h)]
    for fraction in (0, 0.5, 1):
        y = round(top + plot_h - fraction * plot_h, 1)
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d5dbe3" stroke-dasharray="3 3"/>'
            '<text x="{}" y="{}" text-anchor="end" font-size="13" {} fill="#5b6573">{}</text>',
            left, y, width - right, y, left - 6, y + 4, mark_safe(FONT), fmt(highest * fraction, 0),
        ))
    for index, x_value in enumerate(xs):
        x, _y = point(index, 0)
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="13" {} fill="#1b2430">{}</text>',
            x, height - bottom + 18, mark_safe(FONT), str(x_value)[-2:] if len(xs) > 8 else x_value,
        ))
    for number, (name, values) in enumerate(series):
        color = PALETTE[number % len(PALETTE)]
        points = [point(index, value) for index, value in enumerate(values)]
        parts.append(format_html(
            '<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>',
            color, " ".join(f"{x},{y}" for x, y in points),
        ))
        for (x, y), x_value, value in zip(points, xs, values, strict=True):
            parts.append(format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{} {} : {}</title></circle>',
                x, y, color, name, x_value, fmt(value, decimals),
            ))
        legend_y = 4 + number * 20
        parts.append(format_html(
            '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
            '<text x="{}" y="{}" font-size="14" {} fill="#1b2430">{}</text>',
            left, legend_y, color, left + 20, legend_y + 12, mark_safe(FONT), name,
        ))
    return _svg(width, height, label, "".join(parts), "lines")


def world_map(items, *, label):
    """items: [(iso code, country name, value)]: a circle whose area is proportional to the value."""
    width, height = 720, 300
    parts = [format_html('<rect width="{}" height="{}" fill="#eaf2fa"/>', width, height)]
    for latitude in (-30, 0, 30):
        _x, y = geo.project(latitude, geo.WEST, width=width, height=height)
        parts.append(format_html('<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#c9d6e3" stroke-dasharray="4 4"/>', y, width, y))
    for ring in geo.OUTLINES:
        points = " ".join("{},{}".format(*geo.project(lat, lon, width=width, height=height)) for lon, lat in ring)
        parts.append(format_html('<polygon points="{}" fill="#f7f3ea" stroke="#b9b2a3" stroke-width="0.8"/>', points))
    placed = [(code, name, value) for code, name, value in items if code in geo.CENTROIDS and value]
    top = max((float(value) for _c, _n, value in placed), default=1.0)
    # Biggest first, so small circles stay visible on top of big ones.
    for code, name, value in sorted(placed, key=lambda item: -float(item[2])):
        x, y = geo.project(*geo.CENTROIDS[code], width=width, height=height)
        radius = round(4 + 18 * math.sqrt(float(value) / top), 1)
        parts.append(format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="#b4470b" fill-opacity="0.7" stroke="#fff" stroke-width="1">'
            '<title>{} : {}</title></circle>'
            '<text x="{}" y="{}" font-size="13" font-weight="600" {} fill="#1b2430" text-anchor="middle">{}</text>',
            x, y, radius, name, fmt(value), x, round(y - radius - 2, 1), mark_safe(FONT), code,
        ))
    return _svg(width, height, label, "".join(parts), "map")
