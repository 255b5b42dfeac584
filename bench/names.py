"""Company names that look like a real book of business: a few hundred first words, a few
hundred second words, a legal form, accents in some. Name look-ups and searches then meet
word and trigram frequencies like a real workspace's, not ``Account 00042``."""

from __future__ import annotations

import random
from collections.abc import Iterator

from bot.domain import name_key


def _words(text: str) -> list[str]:
    return text.split()


_ROOTS = _words(
    "Nord Süd Ost West Alp Berg Blue Silver Iron Oak Pine River Stone Sun Star Lake Red "
    "Green Gold Black White Grey Eagle Falcon Wolf Bear Fox Lion Hawk Cedar Maple Birch Elm "
    "Rhein Donau Elb Main Isar Saar Mosel Ruhr Havel Spree Zür Genf Lyon Nantes Lille Porto "
    "Bergen Malmö Århus Kraków Brno Łódź Göte Tromsø Česk Škod"
)
_ENDINGS = _words("tech wind stone field brook gate ware line haus werk bau mark feld tal burg")
_SINGLES = _words(
    "Acme Globex Initech Umbrella Hooli Vandelay Wonka Stark Wayne Cyberdyne Tyrell Soylent "
    "Aperture Gringotts Monarch Oscorp Pied Piper Massive Dynamic Nakatomi Prestige Virtucon "
    "Müller Schäfer Köhler Böhm Weiß Groß Hoffmann Schröder Krüger Jäger Fröhlich Lefèvre "
    "Dupré Renée Amélie Nuñez Peña Muñoz García Ibáñez Conceição São Citroën Noël Zoë Björk "
    "Søren Æsir Ångström Dvořák Novák Horváth Kovács Lindqvist Sjöberg Håkansson"
)
_INDUSTRIES = _words(
    "Logistics Systems Foods Analytics Consulting Software Energie Bau Maschinenbau Textil "
    "Pharma Medical Robotics Networks Solutions Holdings Industries Partners Ventures Capital "
    "Insurance Versicherung Immobilien Properties Hotels Travel Airlines Shipping Freight "
    "Chemicals Chemie Plastics Metals Stahl Mining Agrar Farms Dairy Brewing Brauerei Wines "
    "Coffee Café Bakery Bäckerei Retail Handel Fashion Mode Sports Media Verlag Publishing "
    "Studios Games Security Cloud Data Labs Biotech Optik Elektronik Electric Solar Wind "
    "Wasser Water Gas Telecom Mobility Automotive Motors Garage Werkzeug Tools Print Druck"
)
_QUALIFIERS = _words("Global Digital International Nordic Europe Group Swiss Atlantic Pacific")
LEGAL_FORMS = (
    "GmbH",
    "AG",
    "Inc.",
    "Ltd",
    "LLC",
    "S.A.",
    "SARL",
    "B.V.",
    "Oy",
    "AB",
    "S.p.A.",
    "KG",
    "GmbH & Co. KG",
    "Pty Ltd",
    "plc",
    "Corp.",
    "S.à r.l.",
    "A/S",
)

FIRST_WORDS = tuple(dict.fromkeys([r + e for r in _ROOTS for e in _ENDINGS[:4]] + _SINGLES))
SECOND_WORDS = tuple(
    dict.fromkeys([*_INDUSTRIES, *(f"{q} {i}" for q in _QUALIFIERS[:4] for i in _INDUSTRIES)])
)


def company_names(rng: random.Random) -> Iterator[str]:
    """Endless distinct company names (distinct by ``name_key``), in an order fixed by ``rng``."""
    seen: set[str] = set()
    while True:
        name = f"{rng.choice(FIRST_WORDS)} {rng.choice(SECOND_WORDS)} {rng.choice(LEGAL_FORMS)}"
        key = name_key(name)
        if key not in seen:
            seen.add(key)
            yield name
