"""Only Slack's requests get in: every HTTP request's signature is checked first, and any
problem with it — a wrong or missing signature, a stale or malformed timestamp — is a 401.

This replaces Bolt's own check, which raised on a timestamp that is not a number (so the
app's error handler then ran on an unverified body) and logged whole bodies it refused. The
reason for a refusal is logged; the body never is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger(__name__)

VERIFIED = "rapport_signature_verified"  # set in the request's context once checked
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")

Headers = Mapping[str, str | Sequence[str]]


def _first(headers: Headers, name: str) -> str | None:
    value = headers.get(name)
    if value is None or isinstance(value, str):
        return value
    return value[0] if value else None


def signature_problem(verifier: SignatureVerifier, body: str, headers: Headers) -> str | None:
    """Why this request is not one Slack signed in the last five minutes; None if it is.
    ``headers`` are lower-case, as Bolt keeps them."""
    timestamp = _first(headers, "x-slack-request-timestamp")
    signature = _first(headers, "x-slack-signature")
    if timestamp is None or not _TIMESTAMP.match(timestamp):
        return "missing or malformed timestamp"
    if signature is None or not _SIGNATURE.match(signature):
        return "missing or malformed signature"
    try:
        valid = verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except Exception:  # whatever the verifier trips on, the request is not let in
        logger.exception("the signature check failed")
        return "signature check failed"
    return None if valid else "wrong or stale signature"


def refuse(problem: str) -> BoltResponse:
    logger.warning("refused a request Slack did not sign", extra={"why": problem})
    return BoltResponse(status=401, body={"error": "invalid request"})


class SlackSignatureCheck(Middleware):
    """The first middleware of the app (Bolt's ``before_authorize``): HTTP requests pass only
    with a valid signature; Socket Mode's arrive over an authenticated connection."""

    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        if req.mode != "socket_mode":
            problem = signature_problem(self.verifier, req.raw_body, req.headers)
            if problem is not None:
                return refuse(problem)
        req.context[VERIFIED] = True
        return next()


def is_verified(request: BoltRequest) -> bool:
    """Whether this request passed the signature check (for code that runs on errors)."""
    return bool(request.context.get(VERIFIED))
