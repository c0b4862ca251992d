"""PostgreSQL through psycopg 3: prepared statements kept from one request to the next.

psycopg prepares a statement on its connection once the statement has run there five times;
PostgreSQL then skips parsing it and, where its plan does not depend on the values, planning
it. But psycopg forgets every prepared statement when a transaction is rolled back, and every
request ended its transaction with a rollback (Flask-SQLAlchemy's session.remove(), the
pool's reset), so nothing ever stayed prepared: each statement was parsed and planned anew,
0.1 to 0.45 ms of the server's time each (measured on matching's statements).

A transaction that wrote nothing ends the same with COMMIT as with ROLLBACK, and psycopg keeps
its prepared statements across a commit. So here the rollback of a transaction in which only
SELECTs ran is sent as COMMIT. Any other statement (INSERT, UPDATE, DELETE, DDL, SET,
SAVEPOINT...) or a transaction in error makes it a real rollback, as before.

Once a statement is prepared, PostgreSQL may keep one generic plan for every value: left to
itself (plan_cache_mode auto) it does so only when that plan's estimated cost is no worse than
the plans made for the values so far. For the meeting searches' statements its estimate for
the generic plan (a default share of the rows for each unknown value) was always the worse,
so they were planned again on every run, as costly as running them: the search API's two
statements took 0.27 and 0.36 ms a run so, 0.15 and 0.19 ms with one generic plan (matching's
statements had gone generic by themselves). So each connection is set to keep the generic
plan (force_generic_plan; DATABASE_GENERIC_PLANS, on by default).

Where a statement's best plan depends on its values, it is marked `PLAN_EACH_TIME` (an
execution option): it is never prepared, and it is sent with its values written in, so it is
planned for them every time (under force_generic_plan even a statement sent once, with its
values apart, gets the generic plan). The finder's keyword search, on a million British
meetings, took p95 300 ms under a generic plan against 106 ms planned for its words.

psycopg keeps a prepared statement per text and per types of its values, and sends a Python
int as the smallest of smallint, integer and bigint that holds it: the same statement with a
referral id of 6,261 and of 40,000, or a list of peer ids on either side of 32,767, was two
statements, each counted towards its five runs apart, and a list of twenty ids almost never
ran twice with the same types. So on these connections an int is sent as an integer (a bigint
past its range): each statement is one prepared statement. On the match page's statements
(100,000 peers) the runs that went unprepared fell from 400 to 216 in 1,351, the rest of them
the pool's pings.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event

from community_hub.extensions import db

PREPARED_MAX = 400  # prepared statements kept per connection (psycopg's default is 100)
# A statement whose best plan depends on its values: stmt.execution_options(**PLAN_EACH_TIME).
PLAN_EACH_TIME = {"prepare": False}

# DBAPI connections whose open transaction ran something other than a SELECT.
_wrote: weakref.WeakSet[Any] = weakref.WeakSet()


def _note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        _wrote.add(conn.connection.dbapi_connection)


def _driver(connection: Any) -> Any:
    """psycopg's own connection (SQLAlchemy sometimes passes it wrapped)."""
    return getattr(connection, "driver_connection", connection)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.prepared_max = PREPARED_MAX
    for dumper in _stable_int_dumpers():
        dbapi_connection.adapters.register_dumper(int, dumper)


class _AsInteger:
    """Mixed into psycopg's int dumpers: an int in integer's range is sent as an integer."""

    _int4_dumper: Any

    def upgrade(self, obj: int, format: Any) -> Any:
        if -(2**31) <= obj < 2**31:
            return self._int4_dumper
        return super().upgrade(obj, format)  # type: ignore[misc]


@functools.cache
def _stable_int_dumpers() -> tuple[type, type]:
    """psycopg's int dumpers, text and binary, that send every int in integer's range as an
    integer rather than as the smallest type that holds it (see the top)."""
    from psycopg.types.numeric import IntBinaryDumper, IntDumper

    class StableIntDumper(_AsInteger, IntDumper):
        pass

    class StableIntBinaryDumper(_AsInteger, IntBinaryDumper):
        pass

    return StableIntDumper, StableIntBinaryDumper


def _generic_plans(dbapi_connection: Any, _record: Any) -> None:
    """Prepared statements keep their generic plan on this connection (see the top)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    dbapi_connection.commit()


def _never_prepare(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.prepare_threshold = None


def keep_prepared(engine: Engine) -> None:
    """End this psycopg engine's read-only transactions with COMMIT (see the top)."""
    from psycopg import ClientCursor, ServerCursor
    from psycopg.pq import TransactionStatus

    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    def do_rollback(dbapi_connection: Any) -> None:
        psycopg = _driver(dbapi_connection)
        status = psycopg.info.transaction_status
        if status == TransactionStatus.INTRANS and psycopg not in _wrote:
            psycopg.commit()
        else:
            _wrote.discard(psycopg)
            rollback(dbapi_connection)

    def do_commit(dbapi_connection: Any) -> None:
        _wrote.discard(_driver(dbapi_connection))
        commit(dbapi_connection)

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        planned = context is not None and context.execution_options.get("prepare") is False
        if planned and not isinstance(cursor, ServerCursor):  # a streamed read never is
            # With its values written in (quoted by libpq), so it is planned for them: sent
            # apart, even a statement that is not prepared would get the generic plan.
            inline = ClientCursor(cursor.connection).mogrify(statement, parameters)
            cursor.execute(inline, prepare=False)
        else:
            cursor.execute(statement, parameters)

    dialect.do_execute = do_execute  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]
    dialect.do_commit = do_commit  # type: ignore[method-assign]
    event.listen(engine, "before_cursor_execute", _note)
    event.listen(engine, "connect", _on_connect)


def init_app(app: Flask) -> None:
    """Prepared statements kept across requests, with one generic plan each (unless
    DATABASE_GENERIC_PLANS is off), or none at all with DATABASE_PREPARE off (a pooler in
    transaction mode may hand each transaction another server connection, where a statement
    prepared on the first does not exist)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.driver != "psycopg":
                continue
            if app.config["DATABASE_PREPARE"]:
                keep_prepared(engine)
                if app.config["DATABASE_GENERIC_PLANS"]:
                    event.listen(engine, "connect", _generic_plans)
            else:
                event.listen(engine, "connect", _never_prepare)
