"""A list of values bound as one parameter, so PostgreSQL can plan a statement once.

`column IN (:a, :b, :c)` sends one parameter per value: PostgreSQL sees a new statement for
every length and plans each execution again, which costs more than running it. `column =
ANY(:values)` with an array is one statement whatever the length. SQLite has no arrays and
plans cheaply, so it keeps IN.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """`column` equals one of the values bound to `name` (a list)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))
