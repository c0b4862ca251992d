"""Every change to every listing, recorded by construction: who, what, when, old and new.

One session hook (`after_flush`) looks at each listing of a registered kind that a flush
writes and records the fields that changed, so a form, an import, a feed subscription, a
lifecycle button or a revert are all recorded without remembering to. Who did it comes from
`recorded_as()` (imports, feed syncs, reverts, suggestions) or else from the signed-in user
of the request. Bulk inserts that bypass the session (large imports) call `record_bulk`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from flask import has_request_context
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

import community_hub.models  # noqa: F401 - every model mapped before the hook reads columns
from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.listings.models import ListingChange
from community_hub.listings.registry import KINDS, Kind, kind_of

CONTEXT = "listing_history"


@dataclass(frozen=True)
class Context:
    source: str = "system"  # form, import, sync, suggestion, revert, system
    source_name: str = ""
    user_id: int | None = None
    suggestion_id: int | None = None
    reverting: int | None = None  # the change being reverted


@contextmanager
def recorded_as(
    source: str, source_name: str = "", user: Any = None, **more: Any
) -> Iterator[None]:
    """Record the changes made inside as coming from `source` (flushed before leaving)."""
    info = db.session.info
    previous = info.get(CONTEXT)
    user_id = user.id if user is not None else (previous.user_id if previous else None)
    info[CONTEXT] = Context(source, source_name[:200], user_id, **more)
    try:
        yield
        db.session.flush()
    finally:
        info[CONTEXT] = previous


def set_context(context: Context) -> None:
    """Record the rest of this request's changes as `context` (the session ends with it)."""
    db.session.info[CONTEXT] = context


def _context(session: Session) -> Context:
    context = session.info.get(CONTEXT)
    if context is not None:
        return context
    if has_request_context():
        from flask_login import current_user

        if current_user.is_authenticated:
            return Context("form", user_id=current_user.id)
    return Context()


# ---- values ----------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """A column's value as kept in the history."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(column_type: type, value: Any) -> Any:
    """A value from the history as the column holds it."""
    if value is None or not isinstance(value, str):
        return value
    if column_type is datetime:
        return datetime.fromisoformat(value)
    if column_type is time:
        return time.fromisoformat(value)
    if column_type is date:
        return date.fromisoformat(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _diff(obj: Any, names: list[str], created: bool, prefix: str = "") -> dict[str, list]:
    changes: dict[str, list] = {}
    for name in names:
        if created:
            value = to_json(getattr(obj, name))
            if not _empty(value) and value is not False:
                changes[prefix + name] = [None, value]
            continue
        history = get_history(obj, name)
        if not history.has_changes():
            continue
        old = to_json(history.deleted[0]) if history.deleted else None
        new = to_json(history.added[0]) if history.added else None
        if old != new and not (_empty(old) and _empty(new)):
            changes[prefix + name] = [old, new]
    return changes


def _action(created: bool, changes: dict[str, list]) -> str:
    if created:
        return "created"
    archived = changes.get("archived_at")
    if archived is not None:
        return "archived" if archived[1] is not None else "restored"
    if set(changes) == {"last_confirmed"}:
        return "confirmed"
    return "changed"


# ---- the hook --------------------------------------------------------------------------------


@dataclass
class _Entry:
    kind: Kind
    listing_id: str
    organisation_id: int | None
    created: bool
    changes: dict[str, list]


def _entries(session: Session) -> dict[tuple[str, str], _Entry]:
    entries: dict[tuple[str, str], _Entry] = {}

    def entry(kind: Kind, listing_id: Any, organisation_id: int | None) -> _Entry:
        key = (kind.name, str(listing_id))
        if key not in entries:
            entries[key] = _Entry(kind, str(listing_id), organisation_id, False, {})
        return entries[key]

    for obj, created in [(o, True) for o in session.new] + [(o, False) for o in session.dirty]:
        kind = kind_of(obj)
        if kind is not None:
            changes = _diff(obj, kind.tracked(), created)
            for name in set(changes) & kind.private:
                changes[name] = [None, None]  # changed; the values are not kept
            item = entry(kind, obj.id, getattr(obj, "organisation_id", None))
            item.created = item.created or created
            item.changes.update(changes)
    if any(
        type(o).__name__ in _PART_TYPES for o in (*session.new, *session.dirty, *session.deleted)
    ):
        _resource_parts(session, entry)
    return {key: item for key, item in entries.items() if item.changes or item.created}


def _resource_parts(session: Session, entry: Any) -> None:
    """A resource's place, opening times and phones, recorded on the resource."""
    from community_hub.resources.models import Location, Phone, Schedule, ServiceAtLocation

    kind = KINDS["resources"]
    links = {
        o.location_id: o.service_id
        for o in [*session.identity_map.values(), *session.new]
        if isinstance(o, ServiceAtLocation)
    }
    touched: list[tuple[Any, bool | None]] = [(o, True) for o in session.new]
    touched += [(o, False) for o in session.dirty] + [(o, None) for o in session.deleted]
    for obj, created in touched:
        if isinstance(obj, Location) and created is not None:
            service_id = links.get(obj.id)
            if service_id is None:
                continue
            names = [c.key for c in inspect(Location).column_attrs if c.key not in _NOT_PLACE]
            changes = _diff(obj, names, created, "location.")
            if changes:
                entry(kind, service_id, obj.organisation_id).changes.update(changes)
        elif isinstance(obj, Schedule | Phone):
            field = f"{'schedules' if isinstance(obj, Schedule) else 'phones'}.{obj.position + 1}"
            old = None if created else _part_text(obj, committed=True)
            new = None if created is None else _part_text(obj, committed=False)
            if old != new:
                entry(kind, obj.service_id, None).changes[field] = [old, new]


_NOT_PLACE = frozenset({"id", "organisation_id", "lat_band"})
_PART_TYPES = frozenset({"Location", "Schedule", "Phone"})


def _part_text(obj: Any, committed: bool) -> str:
    """An opening time or a phone number in a few words, as it was or as it is."""
    from community_hub.resources.models import Schedule

    names: tuple[str, ...] = ("byday", "opens_at", "closes_at", "description")
    if not isinstance(obj, Schedule):
        names = ("number", "description")
    values = []
    for name in names:
        value = getattr(obj, name)
        if committed:
            history = get_history(obj, name)
            if history.deleted:
                value = history.deleted[0]
        values.append(to_json(value) or "")
    return " ".join(str(v) for v in values if v).strip()


PENDING = "listing_history_rows"  # this transaction's rows: (kind, id) -> (row id, entry)


@event.listens_for(Session, "after_flush")
def _record(session: Session, _flush_context: Any) -> None:
    entries = _entries(session)
    if not entries:
        return
    context = _context(session)
    stamp = utcnow()
    pending: dict[tuple[str, str], tuple[int, _Entry]] = session.info.setdefault(PENDING, {})
    connection = session.connection()
    fresh = []
    for key, item in entries.items():
        if key in pending:  # a second flush in the same save: one change, merged
            row_id, earlier = pending[key]
            _merge(earlier, item)
            connection.execute(
                update(ListingChange)
                .where(ListingChange.id == row_id)
                .values(
                    action=_action(earlier.created, earlier.changes),
                    changes=_kept(earlier, context),
                )
            )
        else:
            fresh.append((key, item))
    if fresh:
        rows = [
            {
                "kind": item.kind.name,
                "listing_id": item.listing_id,
                "organisation_id": item.organisation_id,
                "user_id": context.user_id,
                "source": context.source,
                "source_name": context.source_name,
                "suggestion_id": context.suggestion_id,
                "action": _action(item.created, item.changes),
                "changes": _kept(item, context),
                "created_at": stamp,
            }
            for _key, item in fresh
        ]
        ids = (
            connection.execute(
                insert(ListingChange).returning(ListingChange.id, sort_by_parameter_order=True),
                rows,
            )
            .scalars()
            .all()
        )
        for (key, item), row_id in zip(fresh, ids, strict=True):
            pending[key] = (row_id, item)
    if context.reverting is not None:
        key = next(iter(entries))
        connection.execute(
            update(ListingChange)
            .where(ListingChange.id == context.reverting)
            .values(reverted_by_id=pending[key][0])
        )
    if context.suggestion_id is not None:
        _applied(connection, context, stamp)
        session.info[CONTEXT] = replace(context, suggestion_id=None)  # resolved once


def _merge(earlier: _Entry, later: _Entry) -> None:
    """Fold a later flush's changes into the first: the first old value, the last new one."""
    for name, (old, new) in later.changes.items():
        first_old = earlier.changes[name][0] if name in earlier.changes else old
        earlier.changes[name] = [first_old, new]
        if first_old == new and not earlier.created and name not in earlier.kind.private:
            del earlier.changes[name]


def _kept(item: _Entry, context: Context) -> dict[str, list]:
    return {} if item.created and context.source in BULKY else item.changes


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    session.info.pop(PENDING, None)


# An import adds thousands of rows at once: their history says who added them, and the
# listing itself holds what they were.
BULKY = frozenset({"import", "sync"})


def _applied(connection: Any, context: Context, stamp: datetime) -> None:
    from community_hub.meetings.models import ChangeSuggestion, SuggestionStatus

    connection.execute(
        update(ChangeSuggestion)
        .where(ChangeSuggestion.id == context.suggestion_id)
        .where(ChangeSuggestion.status == SuggestionStatus.PENDING.value)
        .values(
            status=SuggestionStatus.APPLIED.value,
            reviewed_by_id=context.user_id,
            reviewed_at=stamp,
            review_note="Changed through the listing's edit page.",
        )
    )


def record_bulk(kind_name: str, listing_ids: list[Any], organisation_id: int | None) -> None:
    """Record listings added by a bulk INSERT, which the session hook does not see."""
    if not listing_ids:
        return
    context = _context(db.session())
    stamp = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "kind": kind_name, "listing_id": str(listing_id),
            "organisation_id": organisation_id, "user_id": context.user_id,
            "source": context.source, "source_name": context.source_name,
            "suggestion_id": None, "action": "created", "changes": {}, "created_at": stamp,
        }
        for listing_id in listing_ids
    ]  # fmt: skip
    db.session.execute(insert(ListingChange), rows)


def history_of(kind_name: str, listing_id: Any) -> list[ListingChange]:
    """A listing's changes, newest first."""
    return list(
        db.session.scalars(
            select(ListingChange)
            .where(ListingChange.kind == kind_name, ListingChange.listing_id == str(listing_id))
            .order_by(ListingChange.id.desc())
        )
    )


def _old_values_loaded() -> None:
    """Have SQLAlchemy load a tracked column's old value before a change replaces it.

    Without this a column set after a commit (which expires everything) would have no old
    value in its history; `active_history` fetches it first.
    """
    for kind in KINDS.values():
        model = kind.model()
        for name in kind.tracked():
            event.listen(getattr(model, name), "set", _keep, active_history=True)


def _keep(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


_old_values_loaded()
