"""Statements run often, for the least work per run.

A list of values bound as one parameter, so PostgreSQL can plan a statement once: `column IN
(:a, :b, :c)` sends one parameter per value: PostgreSQL sees a new statement for every length
and plans each execution again, which costs more than running it. `column = ANY(:values)`
with an array is one statement whatever the length. SQLite has no arrays and plans cheaply,
so it keeps IN.

Rows read on the driver itself: a statement that `plain_rows` or `named_rows` runs a second
time (one built once and kept) is compiled once for the driver, and from then on run there,
without SQLAlchemy's work for each run (0.19-0.3 ms of a 0.3 ms statement on PostgreSQL,
twice the query itself on SQLite). Such runs do not pass through SQLAlchemy's engine events
or its SQL log.
"""

from __future__ import annotations

import re
import weakref
from collections import namedtuple
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Dialect,
    Executable,
    Select,
    any_,
    bindparam,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from community_hub.extensions import db

SQLITE_MOST = 30_000  # values in one statement: SQLite takes at most 32,766
KEPT_LENGTH = 1_000  # a statement's SQL is kept for lists this long in all, at most
KEPT_LENGTHS = 256  # and for this many combinations of lengths


def chunks(values: list[Any], dialect: str) -> Iterator[list[Any]]:
    """`values` in as few lists as one statement can take: one array of any size on
    PostgreSQL, SQLITE_MOST values at a time on SQLite."""
    step = SQLITE_MOST if dialect == "sqlite" else max(1, len(values))
    for start in range(0, len(values), step):
        yield values[start : start + step]


def one_of(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """`column` equals one of the values bound to `name` (a list)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def plain_rows(statement: Executable, values: dict[str, Any] | None = None) -> list[tuple]:
    """The rows as the driver gives them, on the session's connection.

    For thousands of rows of ids, numbers and short text, which need no conversion: making a
    Row object for each costs as much as reading it. (Not for dates and times on SQLite,
    which the driver gives as text.) A statement run again is run on the driver (`_driver_form`).
    """
    values = values or {}
    connection = db.session.connection()
    form = _driver_form(statement, connection.dialect)
    if form is not None and form.runs(values):
        return list(form.fetch(connection, values).fetchall())
    result = connection.execute(statement, values)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def named_rows(statement: Select[Any], values: dict[str, Any]) -> list[Any]:
    """The rows, as SQLAlchemy would give them: the same types, read by name or position,
    and `_asdict()`. For the few statements every search runs.

    A statement run again is run on the driver itself (`_driver_form`), and its rows come
    back as named tuples, each column converted as SQLAlchemy would (a time is text in
    SQLite). On SQLite the query takes a few hundredths of a millisecond, and SQLAlchemy's
    own work for each run (the statement's cached form looked up, a list of values spread
    into placeholders, a Result with its Rows) took twice that.
    """
    connection = db.session.connection()
    form = _driver_form(statement, connection.dialect)
    if form is None or not form.runs(values):
        return list(connection.execute(statement, values).all())
    cursor = form.fetch(connection, values)
    results = form.results(cursor)
    rows = cursor.fetchall()
    if results:
        return [form.row._make(form.typed(row, results)) for row in rows]
    return list(map(form.row._make, rows))


_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


class _DriverForm:
    """A statement compiled once for the driver: its SQL with a placeholder for each value
    (a list's placeholders filled in for each length), the values' order and conversions,
    its row type, and how each column comes back (a time is text in SQLite; SQLAlchemy makes
    it a time).

    SQLite's placeholders are `?`, in order; psycopg's are named, `%(name)s`, and it prepares
    the statement on the server as it does for SQLAlchemy (community_hub/postgres.py)."""

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        self.row: Any = namedtuple(  # type: ignore[misc]
            "Row", list(statement.selected_columns.keys()), rename=True
        )
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = dialect.positional
        self.names: tuple[str, ...] = tuple(
            compiled.positiontup or () if self.positional else compiled.binds
        )
        self.lists = {n for n in self.names if compiled.binds[n].expanding}
        # Only lists are filled in at each run: a statement with a value written into its
        # SQL at each run, a list in an expression or a value under another name in the
        # SQL stays on SQLAlchemy's path, and so does one planned for its values
        # (postgres.PLAN_EACH_TIME).
        self.usable = (
            not compiled.literal_execute_params
            and all(bind.expanding for bind in compiled.post_compile_params)
            and self.sql.count("__[POSTCOMPILE_") == len(_POSTCOMPILE.findall(self.sql))
            and not compiled.escaped_bind_names
            and statement.get_execution_options().get("prepare") is not False
        )
        # Values the statement holds itself (a LIMIT, say); the rest come with each run.
        self.defaults = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if not bind.required and name in self.names
        }
        # Numbers written into the SQL (for psycopg only).
        self.written = frozenset() if self.positional else self._write_in_whole_numbers()
        self.binds = {}
        for name in set(self.names):
            impl = compiled.binds[name].type.dialect_impl(dialect)
            if (processor := impl.bind_processor(dialect)) is not None:
                self.binds[name] = processor
        self.dialect = dialect
        self.types = [column.type for column in statement.selected_columns]
        self._results: list[tuple[int, Any]] | None = None
        self.filled: dict[tuple[int, ...], str] = {}

    def _write_in_whole_numbers(self) -> frozenset[str]:
        """The statement's own whole numbers (a CASE's 1 and 0, say) written into its SQL:
        psycopg converts each value for each run, and it converts a statement's SQL again at
        every run, not once, when it has more than 50 values (matching's statements had 50
        and 51, most of them such numbers)."""
        numbers = {
            name: value
            for name, value in self.defaults.items()
            if type(value) is int and name not in self.lists
        }
        for name, value in numbers.items():
            written = str(value) if value >= 0 else f"({value})"
            self.sql = self.sql.replace(f"%({name})s", written)
            del self.defaults[name]
        self.names = tuple(name for name in self.names if name not in numbers)
        return frozenset(numbers)

    def runs(self, values: dict[str, Any]) -> bool:
        """Whether these values can run here (an empty list is SQLAlchemy's to write, and so
        is a new value for a number written into the SQL)."""
        return (
            self.usable
            and self.written.isdisjoint(values)
            and all(values.get(name, self.defaults.get(name)) for name in self.lists)
        )

    def fetch(self, connection: Connection, values: dict[str, Any]) -> Any:
        """The driver's cursor, run with these values on the session's connection. A
        failure is raised as SQLAlchemy raises it (a database gone away is a 503 page, not a
        500), and a connection that is lost is dropped from the pool."""
        sql, ordered = self.sql_for(values)
        driver: Any = connection.connection.driver_connection
        dialect = connection.dialect
        try:
            return driver.execute(sql, ordered)
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, driver, None)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                sql, None, error, dialect.loaded_dbapi.Error, True, lost, dialect
            ) from error

    def sql_for(self, values: dict[str, Any]) -> tuple[str, Any]:
        """The SQL for these lists' lengths, and the values for its placeholders: a list in
        their order, or by name."""
        merged = {**self.defaults, **values}
        lengths = tuple(len(merged[name]) for name in sorted(self.lists))
        sql = self.filled.get(lengths)
        if sql is None:
            sql = _POSTCOMPILE.sub(
                lambda m: ", ".join(self._placeholders(m[1], len(merged[m[1]]))), self.sql
            )
            if sum(lengths) <= KEPT_LENGTH and len(self.filled) < KEPT_LENGTHS:
                self.filled[lengths] = sql
        binds = self.binds
        if self.positional:
            ordered: list[Any] = []
            for name in self.names:
                value = merged[name]
                if name in self.lists:
                    ordered += map(binds[name], value) if name in binds else value
                else:
                    ordered.append(binds[name](value) if name in binds else value)
            return sql, ordered
        named: dict[str, Any] = {}
        for name in self.names:
            value, convert = merged[name], binds.get(name)
            if name in self.lists:
                for i, item in enumerate(value, 1):
                    named[f"{name}_{i}"] = convert(item) if convert else item
            else:
                named[name] = convert(value) if convert else value
        return sql, named

    def _placeholders(self, name: str, length: int) -> list[str]:
        if self.positional:
            return ["?"] * length
        return [f"%({name}_{i})s" for i in range(1, length + 1)]

    def results(self, cursor: Any) -> list[tuple[int, Any]]:
        """How SQLAlchemy converts each column that needs it, worked out on the first run:
        on PostgreSQL that depends on the type the server reports for the column."""
        if self._results is None:
            reported = [column[1] for column in cursor.description or ()]
            found = []
            dialect = self.dialect
            for i, type_ in enumerate(self.types):
                coltype = reported[i] if i < len(reported) else None
                processor = type_.dialect_impl(dialect).result_processor(dialect, coltype)
                if processor is not None:
                    found.append((i, processor))
            self._results = found
        return self._results

    @staticmethod
    def typed(row: tuple, results: list[tuple[int, Any]]) -> list[Any]:
        out = list(row)
        for i, processor in results:
            out[i] = processor(out[i])
        return out


# A statement seen once maps to None; one run again, to its form. Statements built once and
# kept (most of the search's and matching's) run on the driver from their second run; one
# built afresh for each run never pays for a compilation of its own.
_forms: weakref.WeakKeyDictionary[Any, dict[str, _DriverForm | None]] = weakref.WeakKeyDictionary()


def _driver_form(statement: Any, dialect: Dialect) -> _DriverForm | None:
    if not isinstance(statement, (Select, CompoundSelect)):
        return None
    by_dialect = _forms.setdefault(statement, {})
    if dialect.name not in by_dialect:  # its first run here
        by_dialect[dialect.name] = None
        return None
    form = by_dialect[dialect.name]
    if form is None:
        form = by_dialect[dialect.name] = _DriverForm(statement, dialect)
    return form
