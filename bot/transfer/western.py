"""Does text decoded as Windows-1252 read like Western European text, or like mojibake?

Windows-1252 has a character for almost every byte, so decoding a Shift-JIS, GBK,
Windows-1251 or Mac file with it rarely fails: it comes out as Latin letters and
punctuation in orders that Western European text does not have. Real text puts few
non-ASCII characters side by side (``ção``, ``þýð``, ``…”``), writes a capital at the
start of a word or all through it, and keeps symbols next to spaces and digits rather
than inside words; a file that breaks those habits is taken to be in another encoding.
Latin text from another code page that maps onto Western letters (Polish or Turkish read
as Windows-1252: ``Pøerov``, ``Ýstanbul``) passes unnoticed.

Hand-written rather than a detection library: those weigh a whole file and pick the most
likely of many encodings, so a long ASCII file with a few garbled names passes, while
here one garbled word is enough; the operator who knows the encoding can name it.
"""

from __future__ import annotations

import re

# Runs of characters outside ASCII; a no-break space separates them as a space does.
_NON_ASCII = re.compile(r"[^\x00-\x7f\xa0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Quotation marks, guillemets, inverted marks and the ellipsis stand next to letters.
_QUOTES = frozenset("‘’‚“”„«»‹›¡¿…")
# What may stand between two letters of one word: apostrophes (typed as ’ ‘ ´), dashes,
# a middle dot (Catalan l·l), a soft hyphen, and marks written straight after a name.
_INSIDE_WORDS = frozenset("’‘´–—·\xad™®©×")
_OPENING_ONLY = frozenset("„‚")  # German low quotes open a quotation, never close one
_LONGEST_LETTER_RUN = 3  # Icelandic "alþýðu"; Cyrillic or Greek words run longer


def first_implausible(text: str) -> int | None:
    """Where the first character is that Western European text would not have there."""
    control = _CONTROL.search(text)
    limit = control.start() if control else len(text)
    for run in _NON_ASCII.finditer(text, 0, limit):
        if (at := _odd_in_run(text, run.start(), run.end())) is not None:
            return at
    return control.start() if control else None


def _odd_in_run(text: str, start: int, end: int) -> int | None:
    if not _plausible_run(text[start:end].strip("".join(_QUOTES))):
        return start
    for index in range(start, end):
        if _odd_here(text, index):
            return index
    return None


def _plausible_run(run: str) -> bool:
    """Several non-ASCII characters in a row: letters, and not too many of them."""
    if len(run) < 2 or len(set(run)) == 1:  # "ÅÅÅÅ-MM-DD", "———"
        return True
    if len(run) == 2:
        return all(_letter(c) or c in _QUOTES or c == "\xad" for c in run)
    return len(run) <= _LONGEST_LETTER_RUN and all(_letter(c) for c in run)


def _odd_here(text: str, index: int) -> bool:
    char = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if _letter(char):
        return char.isupper() and _capital_inside_word(text, index)
    if char in _OPENING_ONLY and before.isalpha():
        return True
    return char not in _INSIDE_WORDS and before.isalpha() and after.isalpha()


def _capital_inside_word(text: str, index: int) -> bool:
    """ "CafŽ", "GenŠve", "MŸller": a capital after a small letter, or between a word's
    first capital and a small letter. Not "ÉCOLE", "MÄÄRÄn", "GRÖßE" or Irish "hÉire"."""
    before = text[index - 1] if index > 0 else " "
    word_start = index < 2 or not _letter(text[index - 2])
    after = text[index + 1] if index + 1 < len(text) else " "
    if _small(before):
        return not word_start
    return before.isupper() and word_start and _small(after)


def _small(char: str) -> bool:
    return char.islower() and char != "ß"  # ß stands in capital words too ("GRÖßE")


def _letter(char: str) -> bool:
    return char.isalpha() and char != "ƒ"  # the florin sign, in practice never a letter
