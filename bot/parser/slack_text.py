"""What a person typed, from the text Slack sends for it.

Slack's clients rewrite a message before it arrives: a typed address becomes a link
(``Monday.com`` → ``<http://Monday.com|Monday.com>``, ``a@b.example`` →
``<mailto:a@b.example|a@b.example>``), and the three characters its markup uses are sent as
entities (``&`` → ``&amp;``, ``<`` → ``&lt;``, ``>`` → ``&gt;``). So every ``<`` and ``>`` in
the text is Slack's own, and the rest is what was typed, escaped. Reading a line turns it back
once, here, before any command looks at it: nothing downstream sees a link's markup, and
nothing is stored as markup or as an entity.

References stay as Slack wrote them, because they mean more than their label: a person
(``<@U123>``, ``<@U123|bob>``), a channel (``<#C123|cs>``) and Slack's own ``<!…>`` tokens.
"""

from __future__ import annotations

import re

# <target> or <target|label>; Slack escapes < > | inside neither.
_MARKUP = re.compile(r"<(?P<target>[^<>|]*)(?:\|(?P<label>[^<>]*))?>")
# A link's target starts with a scheme (http:, mailto:, tel:, …); anything else between
# angle brackets (the console sends what was typed, unescaped) is left alone.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# Addresses Slack links without being asked: the scheme is Slack's, the rest was typed.
_IMPLIED_SCHEME = re.compile(r"(?:mailto|tel):", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}


def as_typed(text: str) -> str:
    """``text`` as the person typed it: links read as their label (or address), entities
    decoded, mentions and channels kept as references."""
    shown: list[str] = []
    done = 0
    for markup in _MARKUP.finditer(text):
        shown.append(_unescape(text[done : markup.start()]))
        shown.append(_link_text(markup))
        done = markup.end()
    shown.append(_unescape(text[done:]))
    return "".join(shown)


def _link_text(markup: re.Match[str]) -> str:
    target, label = markup["target"], markup["label"]
    if not _SCHEME.match(target):
        return markup[0]  # <@U…>, <#C…|cs>, <!here>: references, not links
    if label:
        return _unescape(label)  # what the person typed, which Slack linked
    return _unescape(_IMPLIED_SCHEME.sub("", target, count=1))


def _unescape(text: str) -> str:
    """Slack's three entities, in one pass: ``&amp;lt;`` is a typed ``&lt;``."""
    return _ENTITY.sub(lambda entity: _ENTITIES[entity[0]], text)
