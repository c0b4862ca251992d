"""Date arithmetic that SQLite and PostgreSQL spell differently, as SQL expressions."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import Date, Integer, String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, literal

from community_hub.extensions import db


class days_between(FunctionElement[int]):
    """Whole days from the date of `earlier` (a date or timestamp) to the date `later`."""

    type = Integer()
    name = "days_between"
    inherit_cache = True


class add_days(FunctionElement[Any]):
    """A date plus a number of days."""

    type = Date()
    name = "add_days"
    inherit_cache = True


class month_of(FunctionElement[str]):
    """'YYYY-MM' of a date."""

    type = String()
    name = "month_of"
    inherit_cache = True


def _args(element: FunctionElement[Any], compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(days_between)
def _days_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"CAST(julianday(date({later})) - julianday(date({earlier})) AS INTEGER)"


@compiles(add_days)
def _add_pg(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = _args(element, compiler, **kw)
    return f"(CAST({day} AS DATE) + CAST({days} AS INTEGER))"


@compiles(add_days, "sqlite")
def _add_sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = _args(element, compiler, **kw)
    return f"date({day}, CAST({days} AS TEXT) || ' days')"


@compiles(month_of)
def _month_pg(element: month_of, compiler: Any, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"to_char({day}, 'YYYY-MM')"


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m', {day})"


def plus_days(day: Any, days: int) -> ColumnElement[Any]:
    """`day` + `days` as a SQL date."""
    return add_days(day, literal(days, Integer()))


def room_to_aggregate(default: str = "64MB") -> None:
    """Let this transaction's large GROUP BYs and hash joins work in memory on PostgreSQL.

    PostgreSQL's default work_mem (4MB) makes a year's linkage report sort and hash on disk;
    set_config(..., true) lasts only until the transaction ends. REPORT_WORK_MEM overrides it.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    memory = str(current_app.config.get("REPORT_WORK_MEM") or default)
    db.session.execute(select(func.set_config("work_mem", memory, True)))
