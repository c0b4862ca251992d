"""Which organisation a new record belongs to, and administrators acting for one.

A coordinator's records belong to their own organisation. An administrator belongs to none:
to create an organisation's records they first choose it ("act for"); the choice is kept in
their session and shown on every page until they stop.
"""

from __future__ import annotations

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from community_hub.auth.models import Organisation, Role
from community_hub.extensions import db

ACTING = "_acting_for"


def acting_organisation() -> Organisation | None:
    """The organisation an administrator is acting for, if any (never an archived one)."""
    if not current_user.is_authenticated or current_user.role != Role.ADMIN.value:
        return None
    chosen = session.get(ACTING)
    organisation = db.session.get(Organisation, chosen) if isinstance(chosen, int) else None
    if organisation is None or organisation.is_archived:
        return None
    return organisation


def act_for(organisation: Organisation) -> None:
    session[ACTING] = organisation.id


def stop_acting() -> None:
    session.pop(ACTING, None)


def working_organisation() -> Organisation:
    """The organisation new records belong to; an administrator is first asked to choose."""
    if current_user.role == Role.ADMIN.value:
        organisation = acting_organisation()
        if organisation is None:
            target = request.full_path.rstrip("?") if request.method == "GET" else ""
            abort(redirect(url_for("admin.act_for_page", next=target or None)))
        return organisation
    if current_user.organisation is None:
        abort(403)
    return current_user.organisation
