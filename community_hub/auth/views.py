"""Sign in (password, then a code when two-step sign-in is on) and sign out."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from community_hub.auth import sessions
from community_hub.auth.forms import LoginCodeForm, LoginForm
from community_hub.auth.models import Role, User
from community_hub.auth.services import authenticate, end_all_sessions, record_login
from community_hub.auth.totp import check_code
from community_hub.extensions import db, limiter, login_manager
from community_hub.publicforms import public_form
from community_hub.web import public

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.enforce_idle_timeout)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = "strong"

PENDING = "_second_step"  # a password was right; the code is still to come
SECOND_STEP_SECONDS = 300


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Load the user named by a login token, unless their sessions have since been ended."""
    user_id, _sep, version = token.partition("-")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def _account_key() -> str:
    """Throttle per account: the typed email, or at the code step the account being entered."""
    pending = session.get(PENDING)
    if isinstance(pending, dict) and "code" in request.form:
        email = str(pending.get("email", ""))
    else:
        email = request.form.get("email") or ""
    return "login-account:" + email.strip().lower()[:254]


def safe_next(target: str | None) -> str | None:
    """Only follow redirects within this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    return target


def home_for(user: User) -> str:
    """Each role's start page after signing in."""
    if user.role == Role.ADMIN:
        return url_for("admin.console")
    if user.role == Role.COORDINATOR:
        return url_for("manage.dashboard")
    if user.role == Role.WORKER and user.organisation_id is not None:
        return url_for("referrals.desk")
    if user.role == Role.VOLUNTEER:
        return url_for("volunteers.me")
    if user.role == Role.COMMISSIONER:
        return url_for("reports.index")
    return url_for("meetings.finder")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_account_key
)
@public
@public_form
def login() -> Any:
    """Sign in staff and volunteers: password, then a code when two-step sign-in is on."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    pending = session.get(PENDING)
    if isinstance(pending, dict) and request.args.get("restart"):
        session.pop(PENDING)
        return redirect(url_for("auth.login"))
    if isinstance(pending, dict):
        if time.time() - float(pending.get("since", 0)) <= SECOND_STEP_SECONDS:
            return _second_step(pending)
        session.pop(PENDING)
        flash(_("That took too long. Please sign in again."), "info")
        if request.method == "POST":
            return redirect(url_for("auth.login"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [_("That email address and password do not match an account.")]
        elif user.has_second_factor:
            session.clear()
            session[PENDING] = {
                "user": user.id,
                "email": user.email,
                "since": time.time(),
                "remember": bool(form.remember.data),
                "next": safe_next(request.args.get("next")),
            }
            return redirect(url_for("auth.login"))
        else:
            return _finish(user, bool(form.remember.data), request.args.get("next"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


def _second_step(pending: dict[str, Any]) -> Any:
    """Ask for the code from the authenticator app of the account whose password was right."""
    form = LoginCodeForm()
    if form.validate_on_submit():
        user = db.session.get(User, int(pending.get("user", 0)))
        if user is not None and user.active and check_code(user, form.code.data or ""):
            return _finish(user, bool(pending.get("remember")), pending.get("next"))
        form.code.errors = [
            _("That code did not match. Enter the newest code shown in your authenticator app.")
        ]
    return render_template("auth/login_code.html", form=form), 200 if not form.errors else 400


def _finish(user: User, remember: bool, next_target: str | None) -> Any:
    session.clear()  # a fresh session at sign-in defeats fixation
    # Staff are signed out when idle, so a long-lived remember-me cookie is for volunteers only.
    login_user(user, remember=remember and not user.is_staff, fresh=True)
    sessions.start()
    record_login(user)
    db.session.commit()
    flash(_("Signed in as %(name)s.", name=user.display_name), "success")
    return redirect(safe_next(next_target) or home_for(user))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    """Sign out everywhere (POST only, so a link elsewhere cannot sign someone out)."""
    end_all_sessions(current_user)
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it marks any remember-me cookie for deletion
    flash(_("You have signed out."), "success")
    return redirect(url_for("core.home"))


from community_hub.auth import account  # noqa: E402, F401 - adds the account pages to bp
