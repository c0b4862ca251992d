"""A list of values bound as one parameter, so PostgreSQL can plan a statement once.

`column IN (:a, :b, :c)` sends one parameter per value: PostgreSQL sees a new statement for
every length and plans each execution again, which costs more than running it. `column =
ANY(:values)` with an array is one statement whatever the length. SQLite has no arrays and
plans cheaply, so it keeps IN.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Executable, any_, bindparam
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
