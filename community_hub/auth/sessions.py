"""Session rules checked on every request: staff are signed out after a spell without activity."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

LAST_SEEN = "_last_seen"  # seconds since the epoch of the last request in this session


def idle_limit_seconds() -> int:
    return int(current_app.config["STAFF_IDLE_MINUTES"]) * 60


def start(now: float | None = None) -> None:
    """Start the idle clock for a session that has just signed in."""
    session[LAST_SEEN] = int(time.time() if now is None else now)


def end(message: str) -> None:
    """Sign out this browser, clearing a remember-me cookie too, and say why."""
    session.clear()
    logout_user()  # after clear(): it marks any remember-me cookie for deletion
    flash(message, "info")


def enforce_idle_timeout() -> Any:
    """Sign out a staff member idle for longer than STAFF_IDLE_MINUTES; else note activity."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return None
    now = time.time()
    if current_user.is_staff:
        last_seen = session.get(LAST_SEEN)
        # No clock at all means the session did not come from signing in (a remember-me
        # cookie, say): staff must sign in again.
        if not isinstance(last_seen, int) or now - last_seen > idle_limit_seconds():
            minutes = int(current_app.config["STAFF_IDLE_MINUTES"])
            end(
                _(
                    "You were signed out after %(minutes)s minutes without activity. "
                    "Please sign in again.",
                    minutes=minutes,
                )
            )
            return _after_sign_out()
    start(now)
    return None


def _after_sign_out() -> Any:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "is_public", False):
        return None  # a public page still shows, now as a visitor
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorised", message=_("Please sign in.")), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))
