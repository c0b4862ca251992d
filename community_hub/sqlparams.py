"""A list of values bound as one parameter, so PostgreSQL can plan a statement once.

`column IN (:a, :b, :c)` sends one parameter per value: PostgreSQL sees a new statement for
every length and plans each execution again, which costs more than running it. `column =
ANY(:values)` with an array is one statement whatever the length. SQLite has no arrays and
plans cheaply, so it keeps IN.
"""

from __future__ import annotations

import re
import weakref
from collections import namedtuple
from typing import Any

from sqlalchemy import ColumnElement, Dialect, Executable, Select, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from community_hub.extensions import db


def one_of(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """`column` equals one of the values bound to `name` (a list)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def plain_rows(statement: Executable, values: dict[str, Any] | None = None) -> list[tuple]:
    """The rows as the driver gives them, on the session's connection.

    For thousands of rows of ids, numbers and short text, which need no conversion: making a
    Row object for each costs as much as reading it. (Not for dates and times on SQLite,
    which the driver gives as text.)
    """
    result = db.session.connection().execute(statement, values or {})
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def named_rows(statement: Select[Any], values: dict[str, Any]) -> list[Any]:
    """The rows, as SQLAlchemy would give them: the same types, read by name or position,
    and `_asdict()`. For the few statements every search runs.

    On SQLite the statement is run on the driver itself, and its rows come back as named
    tuples: the query takes a few hundredths of a millisecond there, and SQLAlchemy's own
    work for each run (the statement's cached form looked up, a list of values spread into
    placeholders, a Result with its Rows) took twice that. PostgreSQL keeps SQLAlchemy's
    path, where community_hub/postgres.py prepares the statement. Statements run on the
    driver do not pass through SQLAlchemy's engine events.
    """
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    form = _sqlite_form(statement, connection.dialect) if sqlite else None
    if form is None or not form.runs(values):
        return list(connection.execute(statement, values).all())
    sql, ordered = form.sql_for(values)
    driver = connection.connection.driver_connection
    rows = driver.execute(sql, ordered).fetchall()  # type: ignore[union-attr]
    if form.results:
        return [form.row._make(form.typed(row)) for row in rows]
    return list(map(form.row._make, rows))


_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


class _SQLiteForm:
    """A statement compiled once for SQLite: its row type, its SQL with a `?` for each value
    (a list's placeholders filled in for each length), the values' order and conversions,
    and how each column comes back (a time is text in SQLite; SQLAlchemy makes it a time)."""

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        self.row: Any = namedtuple(  # type: ignore[misc]
            "Row", list(statement.selected_columns.keys()), rename=True
        )
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        self.lists = {n for n in self.names if compiled.binds[n].expanding}
        # Only lists are filled in at each run: a statement with a value written into its
        # SQL at each run stays on SQLAlchemy's path.
        self.usable = not compiled.literal_execute_params and all(
            bind.expanding for bind in compiled.post_compile_params
        )
        # Values the statement holds itself (a LIMIT, say); the rest come with each run.
        self.defaults = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if not bind.required and name in self.names
        }
        self.binds = {}
        for name in set(self.names):
            impl = compiled.binds[name].type.dialect_impl(dialect)
            if (processor := impl.bind_processor(dialect)) is not None:
                self.binds[name] = processor
        self.results = []
        for i, column in enumerate(statement.selected_columns):
            impl = column.type.dialect_impl(dialect)
            if (processor := impl.result_processor(dialect, None)) is not None:
                self.results.append((i, processor))
        self.filled: dict[tuple[int, ...], str] = {}

    def runs(self, values: dict[str, Any]) -> bool:
        """Whether these values can run here (an empty list is SQLAlchemy's to write)."""
        return self.usable and all(values.get(name) for name in self.lists)

    def sql_for(self, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """The SQL for these lists' lengths, and the values in its placeholders' order."""
        merged = {**self.defaults, **values}
        lengths = tuple(len(merged[name]) for name in sorted(self.lists))
        sql = self.filled.get(lengths)
        if sql is None:
            sql = self.filled[lengths] = _POSTCOMPILE.sub(
                lambda m: ", ".join("?" * len(merged[m[1]])), self.sql
            )
        ordered: list[Any] = []
        binds = self.binds
        for name in self.names:
            value = merged[name]
            if name in self.lists:
                ordered += map(binds[name], value) if name in binds else value
            else:
                ordered.append(binds[name](value) if name in binds else value)
        return sql, ordered

    def typed(self, row: tuple) -> list[Any]:
        out = list(row)
        for i, processor in self.results:
            out[i] = processor(out[i])
        return out


_forms: weakref.WeakKeyDictionary[Any, _SQLiteForm] = weakref.WeakKeyDictionary()


def _sqlite_form(statement: Select[Any], dialect: Dialect) -> _SQLiteForm:
    form = _forms.get(statement)
    if form is None:
        form = _forms[statement] = _SQLiteForm(statement, dialect)
    return form
