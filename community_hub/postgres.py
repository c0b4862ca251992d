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

Once a statement is prepared, PostgreSQL may keep one generic plan for every value: it does so
only when that plan's estimated cost is no worse than the plans made for the values so far.
Where the estimate misleads it, a statement is marked `PLAN_EACH_TIME` (an execution option)
and is never prepared: the finder's keyword search, on a million British meetings, took p95
300 ms under a generic plan against 106 ms planned for its words.
"""

from __future__ import annotations

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


def _never_prepare(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.prepare_threshold = None


def keep_prepared(engine: Engine) -> None:
    """End this psycopg engine's read-only transactions with COMMIT (see the top)."""
    from psycopg import ServerCursor
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
            cursor.execute(statement, parameters, prepare=False)
        else:
            cursor.execute(statement, parameters)

    dialect.do_execute = do_execute  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]
    dialect.do_commit = do_commit  # type: ignore[method-assign]
    event.listen(engine, "before_cursor_execute", _note)
    event.listen(engine, "connect", _on_connect)


def init_app(app: Flask) -> None:
    """Prepared statements kept across requests, or none at all with DATABASE_PREPARE off
    (a pooler in transaction mode may hand each transaction another server connection,
    where a statement prepared on the first does not exist)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.driver != "psycopg":
                continue
            if app.config["DATABASE_PREPARE"]:
                keep_prepared(engine)
            else:
                event.listen(engine, "connect", _never_prepare)
