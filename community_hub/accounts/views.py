"""Joining by invitation and choosing a new password: the pages a link in an email opens.

The token travels in the query string of the first visit and then in the form, never in the
path, so access logs that leave out query strings (gunicorn.conf.py) never hold it.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user

from community_hub.accounts import invitations, resets
from community_hub.accounts.forms import AcceptForm, ForgotForm, NewPasswordForm
from community_hub.accounts.labels import role_label
from community_hub.auth import sessions
from community_hub.auth.services import record_login
from community_hub.auth.views import home_for
from community_hub.extensions import db, limiter
from community_hub.meetings.services import ValidationFailed
from community_hub.publicforms import public_form
from community_hub.volunteers.forms import show_errors
from community_hub.web import public

bp = Blueprint("accounts", __name__)


@bp.after_request
def _no_referrer(response: Any) -> Any:
    # These pages' addresses may hold a token: never pass them on, even to our own pages.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _token(form: Any) -> str:
    return str(form.token.data or request.args.get("token") or "")


def _status(form: Any) -> int:
    return 400 if form.errors or form.form_errors else 200


@bp.route("/invitation", methods=["GET", "POST"])
@public
@public_form
def accept() -> Any:
    """Accept an invitation: choose a name and password; the account is made now."""
    form = AcceptForm()
    token = _token(form)
    invitation = invitations.find_pending(token)
    if invitation is None:
        return render_template("accounts/link_gone.html", kind="invitation"), 404
    if current_user.is_authenticated:
        return render_template("accounts/accept.html", form=None, invitation=invitation)
    form.token.data = token
    if form.validate_on_submit():
        try:
            user = invitations.accept(
                invitation, form.display_name.data or "", form.password.data or "",
                str(get_locale() or "en"),
            )  # fmt: skip
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            login_user(user, fresh=True)
            sessions.start()
            record_login(user)
            db.session.commit()
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name), "success")
            if user.is_staff:
                return redirect(url_for("auth.account", welcome=1))
            return redirect(home_for(user))
    page = render_template(
        "accounts/accept.html", form=form, invitation=invitation, role=role_label(invitation.role)
    )
    return page, _status(form)


def _reset_account_key() -> str:
    return "reset-account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/login/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_reset_account_key,
)
@public
@public_form
def forgot() -> Any:
    """Ask for a link to choose a new password; the answer never says if the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        resets.request_reset(form.email.data or "")
        db.session.commit()
        # The same answer in the same time either way: pad to a fixed duration.
        floor = float(current_app.config["PASSWORD_RESET_RESPONSE_SECONDS"])
        time.sleep(max(0.0, floor - (time.monotonic() - started)))
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/forgot.html", form=form), _status(form)


@bp.route("/login/reset", methods=["GET", "POST"])
@public
@public_form
def reset() -> Any:
    """Choose a new password from the link in the email; other sessions end."""
    form = NewPasswordForm()
    token = _token(form)
    found = resets.find_usable(token)
    if found is None:
        return render_template("accounts/link_gone.html", kind="reset"), 404
    form.token.data = token
    if form.validate_on_submit():
        try:
            resets.complete_reset(found, form.password.data or "")
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Your password is changed. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("accounts/reset.html", form=form), _status(form)
