"""Each peer's codes, one row each with the peer's position (`PeerCode`), for matching.

For a client whose language few peers speak, or a meeting whose fellowship few peers know,
matching reads those peers near the meeting from ix_peer_code_geo (the code, then the
position) instead of checking every peer in the radius: in central London, a few dozen index
entries instead of 8,400 (best_sql.nearest_rows with `by_code`).

Kept in the same transaction as every write: a session hook (`after_flush`) rewrites the rows
of each peer a flush added, deleted or changed (its codes or its position). Writes that bypass
the session (bulk inserts) call `rebuild`, or `flask rebuild-peer-codes` rebuilds them all.
PostgreSQL also drops a deleted peer's rows itself (ON DELETE CASCADE).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import Connection, delete, event, insert, select
from sqlalchemy.orm import Session

from community_hub.extensions import db
from community_hub.people.models import PeerCode, PeerSupporter
from community_hub.people.vocab import from_column

PATHWAY, LANGUAGE = "p:", "l:"
WATCHED = ("pathways", "languages", "lat_band", "latitude", "longitude")
BATCH = 500
COLUMNS = (PeerSupporter.id, *(getattr(PeerSupporter, name) for name in WATCHED))


def rows_of(
    peer_id: int,
    pathways: str | None,
    languages: str | None,
    lat_band: int | None,
    latitude: float | None,
    longitude: float | None,
) -> list[dict[str, Any]]:
    """The rows of one peer: each pathway and each language it lists, once."""
    codes = [PATHWAY + c for c in from_column(pathways or "")]
    codes += [LANGUAGE + c for c in from_column(languages or "")]
    place = {"lat_band": lat_band, "latitude": latitude, "longitude": longitude}
    return [{"peer_id": peer_id, "code": code, **place} for code in dict.fromkeys(codes)]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write(connection: Connection, peers: Iterable[tuple[Any, ...]], gone: Iterable[int]) -> None:
    """Replace the rows of these peers ((id, *WATCHED) each) and drop those of `gone`."""
    peers = list(peers)
    ids = sorted({peer[0] for peer in peers} | set(gone))
    for batch in _chunks(ids, BATCH):
        connection.execute(delete(PeerCode).where(PeerCode.peer_id.in_(batch)))
    rows = [row for peer in peers for row in rows_of(*peer)]
    for batch in _chunks(rows, BATCH * 10):
        connection.execute(insert(PeerCode), list(batch))


def _changed(obj: PeerSupporter) -> bool:
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in WATCHED)


@event.listens_for(Session, "after_flush")
def _keep(session: Session, _flush_context: Any) -> None:
    peers = [o for o in session.new if isinstance(o, PeerSupporter)]
    peers += [o for o in session.dirty if isinstance(o, PeerSupporter) and _changed(o)]
    gone = [o.id for o in session.deleted if isinstance(o, PeerSupporter)]
    if peers or gone:
        values = [(p.id, *(getattr(p, name) for name in WATCHED)) for p in peers]
        write(session.connection(), values, gone)


def rebuild(session: Session) -> int:
    """Every peer's rows from scratch (after bulk writes): how many rows there are now."""
    connection = session.connection()
    connection.execute(delete(PeerCode))
    peers = connection.execute(select(*COLUMNS).order_by(PeerSupporter.id)).all()
    write(connection, [tuple(peer) for peer in peers], ())
    return sum(len(rows_of(*peer)) for peer in peers)


@click.command("rebuild-peer-codes")
@with_appcontext
def rebuild_peer_codes_command() -> None:
    """Rebuild the peers' codes matching reads (after bulk writes to peer listings)."""
    count = rebuild(db.session())
    db.session.commit()
    click.echo(f"Rebuilt {count} peer codes.")
