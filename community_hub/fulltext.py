"""Full-text search with each database's own index: SQLite FTS5, PostgreSQL tsvector + GIN.

A searchable table keeps its words in one plain `search_text` column, filled by the app (it
gathers the name, notes and place name). The index over that column belongs to the database:

- SQLite: an FTS5 table using the row's table as external content (`content=`), kept in step
  by three triggers, so no second copy of the text is stored.
- PostgreSQL: a GIN index on `to_tsvector('simple', search_text)`, which PostgreSQL keeps in
  step itself; the search repeats that exact expression so the planner can use the index.

Both use the `simple` configuration (no stemming, no stop words): meeting and group names
are proper names in English and Welsh, where an English stemmer would do harm. The last word
typed is matched as a prefix ("newcom" finds Newcomers). The same DDL runs from `create_all`
(the app's schema creation, used by tests) and from the migration.
"""

# SQL here is built from this module's own table names (TABLES), never from a request: each
# `nosec B608` / `noqa: S608` marks one such statement. Search words are always bound.
from __future__ import annotations  # noqa: I001

import re

from typing import Any, cast

from sqlalchemy import DDL, ColumnElement, String, bindparam, event, text

# At most this many words are searched for: enough for any real question, and it bounds the
# work a long string can ask of the index.
MAX_WORDS = 8
WORD = re.compile(r"[^\W_]+")
# The tables with a full-text index. Statements below are built from these names only.
TABLES = ("meeting", "service")
TEXT_KEYS = ("service",)  # keyed by a UUID string, not an integer (see _sqlite_keyed_statements)
TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"


def words_of(typed: str) -> list[str]:
    """The searchable words in what a person typed, lower-cased, punctuation dropped."""
    return [w.lower() for w in WORD.findall(typed)][:MAX_WORDS]


def match_expression(words: list[str], dialect: str) -> str:
    """The words as an FTS5 MATCH string or a PostgreSQL tsquery: all of them, last a prefix."""
    if dialect == "postgresql":
        return " & ".join([*words[:-1], f"{words[-1]}:*"])
    # Quoted so FTS5 never reads a word as an operator (AND, NEAR, a column name).
    return " ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])


def matches(table: str, dialect: str, param: str = "words") -> ColumnElement[bool]:
    """`table`'s rows whose search_text has every word bound to `param` (a match_expression)."""
    assert table in TABLES  # names from this module, never from a request
    if dialect == "postgresql":
        clause = f"to_tsvector('simple', {table}.search_text) @@ to_tsquery('simple', :{param})"
    else:
        key = "id" if table in TEXT_KEYS else "rowid"
        clause = f"{table}.id IN (SELECT {key} FROM {table}_fts WHERE {table}_fts MATCH :{param})"  # noqa: S608  # nosec B608
    return cast("ColumnElement[bool]", text(clause).bindparams(bindparam(param, type_=String())))


def sqlite_statements(table: str) -> list[str]:
    """Create the FTS5 index for `table`, its triggers, and fill it from existing rows."""
    if table in TEXT_KEYS:
        return _sqlite_keyed_statements(table)
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', "
        f"content_rowid='id', {TOKENIZE})",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "  # noqa: S608  # nosec B608
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "  # noqa: S608  # nosec B608
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        " END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "  # noqa: S608  # nosec B608
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        f" INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608  # nosec B608
    ]


def _sqlite_keyed_statements(table: str) -> list[str]:
    """For a table keyed by text (a UUID): an FTS5 table holding its own copy and the key.

    External content needs an integer key, and a text-keyed table's hidden rowid can change
    when SQLite rebuilds it (VACUUM, a migration), so the key is stored instead.
    """
    fts = f"{table}_fts"
    delete = f"DELETE FROM {fts} WHERE id = old.id;"  # noqa: S608  # nosec B608
    insert = f"INSERT INTO {fts}(search_text, id) VALUES (new.search_text, new.id);"  # noqa: S608  # nosec B608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, id UNINDEXED, "
        f"{TOKENIZE})",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_text ON {table} "
        f"BEGIN {delete} {insert} END",
        f"DELETE FROM {fts}",  # noqa: S608  # nosec B608
        f"INSERT INTO {fts}(search_text, id) SELECT search_text, id FROM {table}",  # noqa: S608  # nosec B608
    ]


def sqlite_drop_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in ("ai", "ad", "au")] + [
        f"DROP TABLE IF EXISTS {fts}"
    ]


def postgresql_statements(table: str) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
        f"USING gin (to_tsvector('simple', search_text))"
    ]


def postgresql_drop_statements(table: str) -> list[str]:
    return [f"DROP INDEX IF EXISTS ix_{table}_search"]


def index_table(table: Any) -> None:
    """Have `create_all`/`drop_all` create and drop `table`'s full-text index too."""
    name = table.name
    assert name in TABLES
    for statement in sqlite_statements(name):
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in postgresql_statements(name):
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for statement in sqlite_drop_statements(name):
        event.listen(table, "before_drop", DDL(statement).execute_if(dialect="sqlite"))


def include_name(name: str | None, kind: str, _parent: object) -> bool:
    """Alembic's `include_name`: compare everything but the full-text indexes' objects."""
    return not is_fulltext_object(name, kind)


def is_fulltext_object(name: str | None, kind: str) -> bool:
    """True for the full-text indexes' own objects, which the models do not describe.

    Used by the migrations' autogenerate (and the test comparing migrations with the models)
    to leave SQLite's FTS5 tables and PostgreSQL's expression indexes alone.
    """
    if not name:
        return False
    if kind == "table":
        return "_fts" in name
    if kind == "index":
        return name.endswith("_search")
    return False
