"""Text search over name keys through an index, on either database.

Finding an account by part of its name (``find acm``), by a tag or a contact, and the near
misses of a "did you mean", must not read every name of a workspace. Both databases index the
searched columns by trigrams (migration 0005):

- PostgreSQL: ``pg_trgm`` GIN indexes; ``LIKE '%…%'`` and the similarity operators use them.
- SQLite: an FTS5 table with the ``trigram`` tokenizer per searched column, kept in step by
  triggers; a phrase query finds every row containing the text, an OR of trigrams ranked by
  bm25 finds rows sharing most of its trigrams.

A text shorter than a trigram cannot use either index; it is matched at the start of the
column only, which the ordinary (team_id, key) index answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    column,
    func,
    literal,
    select,
    table,
)
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session
from sqlalchemy.sql.expression import TableClause

AnySelect = TypeVar("AnySelect", bound="Select[*tuple[Any, ...]]")

TRIGRAM = 3
WORD_SIMILARITY = "0.5"  # PostgreSQL's bar for "did you mean" candidates (see resembling)
# The top of the code-point range: every key that starts with a prefix sorts below prefix + it.
LAST_CHARACTER = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class Searched:
    """A searched column: its table's name (the FTS5 table is ``search_<table>``), its key
    column, its integer primary key and its workspace column."""

    table: str
    key: InstrumentedAttribute[str]
    id: InstrumentedAttribute[int]
    team: InstrumentedAttribute[str]

    @property
    def fts(self) -> str:
        return f"search_{self.table}"


def like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts(searched: Searched) -> TableClause:
    return table(searched.fts, column("rowid", Integer), column(searched.fts), column("rank"))


def _typed(name: str) -> BindParameter[str]:
    return bindparam(name, type_=String())


@dataclass(frozen=True, slots=True)
class Typed:
    """What was typed, as bound parameters: a statement built from these conditions once
    serves every text (``values`` gives their values for one)."""

    dialect: str  # "sqlite" or "postgresql"

    @property
    def key(self) -> BindParameter[str]:
        """The text itself (a name key)."""
        return _typed("typed")

    @staticmethod
    def values(key: str) -> dict[str, str]:
        escaped = like_escaped(key)
        return {
            "typed": key,
            "typed_end": key + LAST_CHARACTER,
            "typed_inside": f"%{escaped}%",
            "typed_start": f"{escaped}%",
            "typed_word_start": f"% {escaped}%",
            "typed_phrase": _fts_phrase(key),
        }

    def bytewise(self, key: ColumnElement[str] | QueryableAttribute[str]) -> ColumnElement[str]:
        """``key`` compared by code points, as Python compares strings: SQLite compares text
        so already; PostgreSQL under the "C" collation (``search_objects.BYTEWISE_NAMES``)."""
        if self.dialect == "sqlite":
            return key.expression
        return key.expression.collate("C")

    def starts(self, key: ColumnElement[str] | QueryableAttribute[str]) -> ColumnElement[bool]:
        """``key`` starts with the text: a range in code-point order, which an index in that
        order answers (a LIKE would need the escaping and, on PostgreSQL, the "C" locale)."""
        ordered = self.bytewise(key)
        return and_(ordered >= self.key, ordered < _typed("typed_end"))

    def has_word_starting(self, key: QueryableAttribute[str]) -> ColumnElement[bool]:
        """One of the words of ``key`` after its first starts with the text."""
        return key.like(_typed("typed_word_start"), escape="\\")

    def contained(
        self, searched: Searched, team_id: BindParameter[str], query: AnySelect, *, short: bool
    ) -> AnySelect:
        """``query`` (which selects from the searched table) narrowed to the workspace's rows
        whose key contains the text, found through the trigram index; a text shorter than a
        trigram (``short``) matches rows whose key starts with it."""
        if short:
            if self.dialect == "sqlite":
                return query.where(searched.team == team_id, self.starts(searched.key))
            started = _trigram_indexed(searched).like(_typed("typed_start"), escape="\\")
            return query.where(searched.team == team_id, started)
        if self.dialect == "sqlite":
            # The FTS match must drive the query. Without statistics SQLite would rather walk
            # the workspace's index and run the match once per row, so the workspace is
            # compared in a form no index answers.
            fts = _fts(searched)
            matching = select(fts.c.rowid).where(
                fts.c[searched.fts].op("MATCH")(_typed("typed_phrase"))
            )
            return query.where(searched.id.in_(matching), (searched.team + "") == team_id)
        inside = _trigram_indexed(searched).like(_typed("typed_inside"), escape="\\")
        return query.where(searched.team == team_id, inside)


def _trigram_indexed(searched: Searched) -> ColumnElement[str]:
    """The key as PostgreSQL's trigram index holds it (``search_objects.trigram_expression``:
    behind ``lower()``, so that exact look-ups never take that index)."""
    return func.lower(searched.key)


def resembling(
    session: Session, searched: Searched, key: str, scope: ColumnElement[bool], limit: int
) -> list[int]:
    """Ids of up to ``limit`` rows in ``scope`` whose key shares most trigrams with ``key``,
    best first: the candidates for a "did you mean" (a typo of the whole key or of its
    start)."""
    if len(key) < TRIGRAM:
        return []
    if session.get_bind().dialect.name == "sqlite":
        trigrams = sorted({key[i : i + TRIGRAM] for i in range(len(key) - TRIGRAM + 1)})
        search = _fts(searched)
        query = (
            select(searched.id)
            .join(search, search.c.rowid == searched.id)
            .where(search.c[searched.fts].op("MATCH")(" OR ".join(map(_fts_phrase, trigrams))))
            .where(scope)
            .order_by(search.c.rank)
        )
    else:
        # First the typed text against the closest run of words in each key (pg_trgm's
        # word_similarity, at a bar below its default 0.6): a typo in a name's first words.
        # Only when that finds nothing, the whole key against the whole text (similarity,
        # at 0.3): a short name with a letter left out ("glbex"). Either bar lower lets the
        # index hand back much of a workspace whose names share a common word.
        session.execute(
            select(func.set_config("pg_trgm.word_similarity_threshold", WORD_SIMILARITY, True))
        )
        in_words = (
            select(searched.id)
            .where(literal(key).op("<%")(_trigram_indexed(searched)), scope)
            .order_by(func.word_similarity(key, _trigram_indexed(searched)).desc(), searched.key)
        )
        found = list(session.scalars(in_words.limit(limit)))
        if found:
            return found
        query = (
            select(searched.id)
            .where(_trigram_indexed(searched).op("%")(key), scope)
            .order_by(func.similarity(key, _trigram_indexed(searched)).desc(), searched.key)
        )
    return list(session.scalars(query.limit(limit)))
