"""A model's training loss as a small SVG for its card (cards.py writes assets/models/<id>/loss.svg).

Phase after phase on one step axis (a later phase counts on from where the one before ended), loss on a
log axis, the phase boundary dashed; the figure style of the app's charts (Okabe-Ito colours, grey axes).
Standard library only; the numbers are train.json's `curve` (every 100 steps, 4 decimals: a loss that
rounds to 0 is drawn at the axis floor, 1e-4).
"""

import math

import recipe_text

W, H = 560, 210
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 16, 40
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00")
FLOOR = 1e-4


def chained(train):
    """[(phase, step on the shared axis, loss)] over the model's phases."""
    out, offset = [], 0
    for i, run in enumerate(recipe_text.phases(train)):
        pts = [(i, offset + p["step"], p["loss"]) for p in run.get("curve", [])]
        out += pts
        offset = pts[-1][1] if pts else offset
    return out


def loss_svg(train, title):
    pts = chained(train)
    if not pts:
        return None
    x_max = max(s for _, s, _ in pts)
    lo = math.floor(math.log10(max(FLOOR, min(l for _, _, l in pts))))
    hi = math.ceil(math.log10(max(max(l for _, _, l in pts), 1.0)))
    x = lambda s: LEFT + (W - LEFT - RIGHT) * s / x_max
    y = lambda l: TOP + (H - TOP - BOTTOM) * (hi - math.log10(max(FLOOR, l))) / max(1, hi - lo)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
             f'font-family="sans-serif" font-size="10">', f'<title>{title}</title>',
             f'<rect width="{W}" height="{H}" fill="white"/>']
    for e in range(lo, hi + 1):  # decades: grid and labels
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(10 ** e):.1f}" y2="{y(10 ** e):.1f}" stroke="#eeeeea"/>')
        parts.append(f'<text x="{LEFT - 5}" y="{y(10 ** e) + 3:.1f}" text-anchor="end" fill="#585c60">{10 ** e:g}</text>')
    step = 10 ** math.floor(math.log10(x_max)) // (2 if x_max / 10 ** math.floor(math.log10(x_max)) < 4 else 1)
    for s in range(0, int(x_max) + 1, max(1, int(step))):
        parts.append(f'<text x="{x(s):.1f}" y="{H - BOTTOM + 14}" text-anchor="middle" fill="#585c60">{s:,}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{H - BOTTOM}" y2="{H - BOTTOM}" stroke="#b9b9b3"/>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#b9b9b3"/>')
    parts.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 8}" text-anchor="middle" font-size="11" fill="#1e2226">'
                 'training step (phases one after the other)</text>')
    parts.append(f'<text transform="translate(12,{(TOP + H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle" font-size="11" '
                 'fill="#1e2226">loss (log)</text>')
    for phase in sorted({p for p, _, _ in pts}):
        mine = [(s, l) for p, s, l in pts if p == phase]
        if phase:  # where the phase before it ended
            at = x(max(s for p, s, _ in pts if p < phase))
            parts.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#8b8f93" stroke-dasharray="2 3"/>')
            parts.append(f'<text x="{at + 4:.1f}" y="{TOP + 10}" fill="#585c60">phase {phase + 1}</text>')
        line = " ".join(f"{x(s):.1f},{y(l):.1f}" for s, l in mine)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{COLOURS[phase % len(COLOURS)]}" stroke-width="1.5"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
