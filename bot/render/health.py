"""An account's health as Slack text: a coloured dot, the score, the band and the reason."""

from __future__ import annotations

from bot.health import Health, HealthBand
from bot.render.text import safe

BAND_EMOJI = {
    HealthBand.HEALTHY: ":large_green_circle:",
    HealthBand.WATCH: ":large_yellow_circle:",
    HealthBand.AT_RISK: ":red_circle:",
}


def health_label(health: Health) -> str:
    """``:red_circle: 27 · at risk``."""
    return f"{BAND_EMOJI[health.band]} {health.score} · {health.band.label}"


def health_text(health: Health) -> str:
    """The label and the reason, the reason's first letter up: "… · at risk — No touch in …"."""
    reason = health.reason[:1].upper() + health.reason[1:]
    return f"{health_label(health)} — {safe(reason, 600)}"
