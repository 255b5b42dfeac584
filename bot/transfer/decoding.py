"""Turning an import file's bytes into text, faithfully or not at all.

UTF-8 (with or without a byte-order mark) and UTF-16 with its mark are read as they
are. Anything else is read as Windows-1252 (Western European, what Excel saves as
"CSV") only when the result reads like Western European text; otherwise the whole file
is refused, since a wrong guess would store garbled names. An operator who knows the
encoding names it, and the file is then read with that one, strictly.
"""

from __future__ import annotations

import codecs
import re

from bot.errors import RapportError
from bot.transfer.western import first_implausible

_UTF8 = "“CSV UTF-8” (Excel: File › Save As › CSV UTF-8)"
_FIX = (
    f"Save it as {_UTF8} and import it again, "
    "or name its encoding with --encoding (e.g. --encoding shift_jis)."
)
_UNDEFINED_IN_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_SHOWN = 24  # characters of a garbled value quoted in the refusal


class UnreadableFile(RapportError):
    """The bytes are not text in an encoding the reader may assume: nothing is imported."""


class UnknownEncoding(RapportError):
    """An encoding named on the command line that Python has no text codec for."""


def check_encoding(name: str) -> str:
    """The codec's canonical name (``Shift-JIS`` -> ``shift_jis``)."""
    try:
        codec = codecs.lookup(name).name
        b"\x00".decode(codec)  # bytes-to-bytes codecs (rot13, base64) refuse here
    except UnicodeDecodeError:  # utf-16 and utf-32 want more bytes than one: text codecs
        return codecs.lookup(name).name
    except (LookupError, UnicodeError):  # UnicodeError: the codec called "undefined"
        raise UnknownEncoding(
            f"--encoding: “{name}” is not a text encoding I know; "
            "e.g. utf-8, cp1252, shift_jis, gb18030."
        ) from None
    return codec


def decode(data: bytes, encoding: str | None = None) -> tuple[str, list[str]]:
    """The text, and what was assumed to read it (notes for the import's summary)."""
    if encoding is not None:
        codec = check_encoding(encoding)
        fix = f"Check that the file is {codec}, or save it as {_UTF8} and leave out --encoding."
        return _strictly(data, codec, fix), [f"The file was read as {codec}, as --encoding says."]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strictly(data, "utf-16", f"Save it as {_UTF8} and import it again.")
        return text, ["The file is UTF-16 (as spreadsheets save “Unicode text”)."]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        not_utf8 = f"see line {_line(data[: error.start], 'utf-8-sig')}"
    # A spreadsheet may have written the mark and then saved in its own code page.
    text = _western(data.removeprefix(codecs.BOM_UTF8), not_utf8)
    return text, ["The file is not UTF-8; it was read as Windows-1252 (Western European)."]


def _strictly(data: bytes, codec: str, fix: str) -> str:
    # A byte-order mark is no part of the first header.
    reading = "utf-8-sig" if codec == "utf-8" else codec
    try:
        return data.decode(reading)
    except UnicodeDecodeError as error:
        line = _line(data[: error.start], reading)
        raise UnreadableFile(
            f"The file is not valid {codec}: line {line} has bytes that {codec} cannot read. "
            f"Nothing was imported. {fix}"
        ) from None


def _western(data: bytes, not_utf8: str) -> str:
    """Windows-1252, when the file reads like Western European text in it."""
    if undefined := _UNDEFINED_IN_CP1252.search(data):
        raise UnreadableFile(
            f"The file is not UTF-8 ({not_utf8}) nor Windows-1252 (Western European): byte "
            f"0x{data[undefined.start()]:02X} on line {_line(data[: undefined.start()], 'cp1252')}"
            f" is no character there. Nothing was imported. {_FIX}"
        )
    text = data.decode("cp1252")
    odd = first_implausible(text)
    if odd is not None:
        raise UnreadableFile(
            f"The file is not UTF-8 ({not_utf8}), and read as Windows-1252 (Western "
            f"European) line {_line(text[:odd])} would say “{_value_around(text, odd)}”, so "
            f"it is in another encoding. Nothing was imported. {_FIX}"
        )
    return text


def _line(head: bytes | str, codec: str = "") -> int:
    """The physical line that follows ``head``; "\\r\\n", "\\r" and "\\n" each end one."""
    text = head if isinstance(head, str) else head.decode(codec, errors="replace")
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def _value_around(text: str, index: int) -> str:
    """The garbled value: the text between delimiters around ``index``, shortened."""
    stops = ',;\t\r\n"'
    start = index
    while start > 0 and text[start - 1] not in stops and index - start < _SHOWN:
        start -= 1
    end = index
    while end < len(text) and text[end] not in stops and end - start < 2 * _SHOWN:
        end += 1
    return text[start:end].strip()
