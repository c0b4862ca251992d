"""Sign in and sign out."""

from __future__ import annotations

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

from community_hub.auth.forms import LoginForm
from community_hub.auth.models import Role, User
from community_hub.auth.services import authenticate
from community_hub.extensions import db, limiter, login_manager
from community_hub.web import public

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str | None:
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
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        return url_for("manage.dashboard")
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_account_key
)
@public
def login() -> Any:
    """Sign in staff and volunteers."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [_("That email address and password do not match an account.")]
        else:
            session.clear()  # a fresh session at sign-in defeats fixation
            login_user(user, remember=bool(form.remember.data))
            db.session.commit()
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    """Sign out (POST only, so a link elsewhere cannot sign someone out)."""
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("core.home"))
