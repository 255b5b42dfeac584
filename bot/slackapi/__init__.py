"""What Rapport knows about each Web API method, loaded from the shipped `methods.json`:
the fake Slack validates calls against it, and the pacer reads each method's rate tier.

The data was copied from two sources (see `LICENSE.methods.md` beside this file):

- the current per-method docs (slack-ruby/slack-api-ref, scraped from docs.slack.dev):
  HTTP method, rate tier, whether JSON bodies are accepted, required and known args;
- the old OpenAPI spec (slackapi/slack-api-specs, 2021): argument names it has and the
  current docs lack (`openapi_extra_args`).

The shared notes `slack/FACTS.md` explain why: the OpenAPI spec is stale (missing methods
and args, wrong "required" flags), so the fake accepts argument names from the union of
both and takes "required" from the current docs only.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_PACKAGE = __name__

# Slack-sdk and Bolt add these to calls; Slack accepts them on every method.
ALWAYS_ALLOWED_ARGS = frozenset({"token", "team_id"})

# "Either of these" requirements that the docs express only in prose.
ONE_OF_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "views.open": (("trigger_id", "interactivity_pointer"),),
    "views.push": (("trigger_id", "interactivity_pointer"),),
    "views.update": (("view_id", "external_id"),),
}


class RateTier(enum.Enum):
    """Web API rate-limit tiers (docs: Tier 1 1+/min ... Tier 4 100+/min, Special per method)."""

    TIER_1 = "t1"
    TIER_2 = "t2"
    TIER_3 = "t3"
    TIER_4 = "t4"
    SPECIAL = "t5"


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Web API method as documented."""

    name: str
    http_method: str
    tier: RateTier | None
    json_input_supported: bool | None
    required: frozenset[str]
    documented_args: frozenset[str]
    openapi_extra_args: frozenset[str]

    @property
    def allowed_args(self) -> frozenset[str]:
        """Every argument name the fake accepts for this method."""
        return self.documented_args | self.openapi_extra_args | ALWAYS_ALLOWED_ARGS

    @property
    def accepts_json_body(self) -> bool:
        """False when the docs say JSON bodies are not read (GET methods unless stated)."""
        if self.json_input_supported is not None:
            return self.json_input_supported
        return self.http_method != "GET"

    @classmethod
    def from_json(cls, name: str, raw: dict[str, Any]) -> MethodSpec:
        return cls(
            name=name,
            http_method=str(raw["http_method"]),
            tier=_tier(raw.get("rate_limits")),
            json_input_supported=raw.get("json_input_supported"),
            required=frozenset(raw.get("required", ())),
            documented_args=frozenset(raw.get("args", ())),
            openapi_extra_args=frozenset(raw.get("openapi_extra_args", ())),
        )


def _tier(raw: object) -> RateTier | None:
    if raw is None:
        return None
    try:
        return RateTier(raw)
    except ValueError:
        # A few methods describe their limit in prose ("1200 requests per minute ...").
        return RateTier.SPECIAL


@cache
def method_specs() -> dict[str, MethodSpec]:
    """All documented methods by name (read once from the package data)."""
    text = resources.files(_PACKAGE).joinpath("methods.json").read_text(encoding="utf-8")
    raw = json.loads(text)["methods"]
    return {name: MethodSpec.from_json(name, entry) for name, entry in raw.items()}


def method_spec(name: str) -> MethodSpec | None:
    """The spec of a documented method, or None when the current docs do not have it."""
    return method_specs().get(name)


def method_tier(name: str) -> RateTier | None:
    """The documented rate tier of a method (None if unknown or undocumented)."""
    spec = method_spec(name)
    return spec.tier if spec else None
