"""A file is read in its own encoding or refused whole: never stored garbled."""

from __future__ import annotations

import codecs

import pytest

from bot.transfer import AccountRow, read_records
from bot.transfer.decoding import UnknownEncoding, UnreadableFile, check_encoding
from bot.transfer.western import first_implausible

# Names from the countries whose text Windows-1252 holds, as Excel would save them.
WESTERN = [
    "Müller & Söhne GmbH",
    "Café de Flore",
    "Crème brûlée SARL",
    "São Paulo Comércio Ltda",
    "Informações e Ações",
    "Ærøskøbing ApS",
    "Þórður Sigurðsson ehf., alþýðu",
    "Åsa Öberg AB",
    "Señor Muñoz, S.A.",
    "¿Qué tal? ¡Olé!",
    "Škoda Auto a.s.",
    "Œuvre d’art",
    "L’Oréal",
    "„Über“ uns",
    "«Ça va»",
    "“Smart” quotes — and – dashes…",
    "€24.000,50",
    "24\u00a0000 €",
    "£1,200",
    "© 2024 Acme™",
    "25 °C, ½ price, m², ±5 %, § 4, µ-Tec",
    "GRÖßE",
    "ÉCOLE NATIONALE",
    "MÄÄRÄn",
    "Ríocht na hÍsiltíre",
    "Straßen\xadbahn",
    "Don´t",
    "Ll·lívia",
    "ÅÅÅÅ-MM-DD",
    "Coração”",
]

# The same kind of text in other encodings, each of which Windows-1252 garbles.
FOREIGN = [
    ("shift_jis", "テスト株式会社"),
    ("shift_jis", "田中太郎"),
    ("shift_jis", "東京都千代田区丸の内1-1"),
    ("shift_jis", "さくら"),
    ("gbk", "北京科技有限公司"),
    ("big5", "台北科技股份有限公司"),
    ("euc_kr", "삼성전자"),
    ("cp1251", "ООО Москва"),
    ("koi8_r", "Санкт-Петербург"),
    ("cp1253", "Αθήνα"),
    ("cp1250", "Wrocław"),
    ("cp1255", "תל אביב"),
    ("mac_roman", "Müller & Söhne"),
    ("mac_roman", "São Paulo"),
    ("cp850", "Café Genève"),
    ("euc_jp", "株式会社山田商事"),
]


def accounts_file(*names: str) -> str:
    return "Name,Owner\r\n" + "".join(f'"{name}",U1\r\n' for name in names)


@pytest.mark.parametrize("name", WESTERN)
def test_western_european_text_in_windows_1252_is_read(name: str) -> None:
    result = read_records(accounts_file("Acme", name).encode("cp1252"))
    assert [row.name for row in result.rows if isinstance(row, AccountRow)] == ["Acme", name]
    assert result.notes == [
        "The file is not UTF-8; it was read as Windows-1252 (Western European)."
    ]


@pytest.mark.parametrize(("encoding", "name"), FOREIGN)
def test_text_in_another_encoding_refuses_the_whole_file(encoding: str, name: str) -> None:
    data = accounts_file("Acme", "Globex", name, "Initech").encode(encoding)
    with pytest.raises(UnreadableFile) as refused:
        read_records(data)
    message = refused.value.message
    assert "line 4" in message
    assert "Nothing was imported." in message
    assert "“CSV UTF-8”" in message
    assert "--encoding" in message


def test_one_garbled_name_in_a_long_file_is_enough() -> None:
    names = [f"Company {n}" for n in range(1_000)]
    names[498] = "テスト株式会社"  # line 500
    with pytest.raises(UnreadableFile) as refused:
        read_records(accounts_file(*names).encode("shift_jis"))
    assert "line 500 would say “ƒeƒXƒgŠ”Ž®‰ïŽÐ”" in refused.value.message


def test_a_named_encoding_reads_the_file_as_written() -> None:
    data = accounts_file("テスト株式会社", "Ｍａｙｅｒ").encode("cp932")
    result = read_records(data, encoding="MS932")
    assert [row.name for row in result.rows if isinstance(row, AccountRow)] == [
        "テスト株式会社",
        "Ｍａｙｅｒ",
    ]
    assert result.notes == ["The file was read as cp932, as --encoding says."]


def test_a_named_encoding_is_read_strictly() -> None:
    data = accounts_file("Acme", "Müller").encode("utf-8")
    with pytest.raises(UnreadableFile, match="not valid ascii: line 3 has bytes"):
        read_records(data, encoding="ascii")


def test_a_named_utf_8_skips_the_byte_order_mark() -> None:
    data = codecs.BOM_UTF8 + accounts_file("Acme").encode("utf-8")
    assert read_records(data, encoding="utf8").rows[0].line == 2


@pytest.mark.parametrize("name", ["klingon", "rot13", "base64", "undefined", ""])
def test_an_unknown_encoding_is_named_in_the_refusal(name: str) -> None:
    with pytest.raises(UnknownEncoding, match=f"“{name}” is not a text encoding I know"):
        check_encoding(name)


def test_broken_utf_16_is_refused_not_patched() -> None:
    data = codecs.BOM_UTF16_LE + "Name\r\nAcme\r\n".encode("utf-16-le") + b"\x00\xd8A\x00"
    with pytest.raises(UnreadableFile, match="not valid utf-16: line 3"):
        read_records(data)


@pytest.mark.parametrize(
    ("text", "odd"),
    [
        ("CafŽ", "Ž"),  # Mac Roman é
        ("GenŠve", "Š"),  # DOS è
        ("MŸller", "Ÿ"),  # Mac Roman ü
        ("Caf‚", "‚"),  # DOS é: a low quote never closes a word
        ("Wroc³aw", "³"),  # Polish ł: a symbol inside a word
        ("S‹o Paulo", "‹"),
        ("ÖÐÎÄ", "Ö"),  # Chinese: four capitals in a row
        ("Ìîñêâà", "Ì"),  # Cyrillic
        ("MÃ¼ller", "Ã"),  # UTF-8 read as Windows-1252 once before
        ("tab\x07bell", "\x07"),
    ],
)
def test_what_western_text_does_not_look_like(text: str, odd: str) -> None:
    assert first_implausible(text) == text.index(odd)


@pytest.mark.parametrize("name", WESTERN)
def test_what_western_text_looks_like(name: str) -> None:
    assert first_implausible(name) is None
