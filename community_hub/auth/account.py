"""Your account: turn two-step sign-in (an authenticator app code) on or off."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms.fields.choices import SelectChoice

from community_hub.auth import sessions
from community_hub.auth.forms import CodeForm
from community_hub.auth.totp import (
    SecondFactorError,
    check_code,
    disable,
    enable,
    grouped,
    new_secret,
    provisioning_uri,
)
from community_hub.auth.views import bp
from community_hub.extensions import db


def _staff_only() -> None:
    if not current_user.is_staff:
        abort(403)


def _stay_signed_in() -> None:
    """Changing the second factor ends every session; keep this one, with its new token."""
    login_user(current_user._get_current_object(), fresh=True)
    sessions.start()


def _preferences_form(formdata: Any = None) -> Any:
    from community_hub.accounts.forms import PreferencesForm

    form = PreferencesForm(formdata=formdata, prefix="prefs", obj=current_user)
    form.language.choices = [
        SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
    ]
    return form


@bp.route("/account")
def account() -> Any:
    """Your account: two-step sign-in, and how emails reach you."""
    from community_hub.accounts.labels import role_label

    return render_template(
        "auth/account.html",
        form=CodeForm(),
        preferences=_preferences_form(),
        role=role_label(current_user.role),
        welcome=request.args.get("welcome") == "1",
    )


@bp.route("/account/preferences", methods=["POST"])
def preferences() -> Any:
    """Choose the language of your emails, and (coordinators) one email a day."""
    form = _preferences_form(request.form)
    if form.validate_on_submit() and form.language.data in current_app.config["LANGUAGES"]:
        current_user.language = form.language.data
        current_user.email_digest = bool(form.email_digest.data)
        db.session.commit()
        flash(_("Saved your email preferences."), "success")
    else:
        flash(_("Choose a language for your emails."), "error")
    return redirect(url_for("auth.account"))


@bp.route("/account/two-step/start", methods=["POST"])
def two_step_start() -> Any:
    """Make a new secret and show it, ready to add to an authenticator app."""
    _staff_only()
    if current_user.has_second_factor:
        # Replacing a factor must be proven with the old one: turn it off (with a code) first.
        flash(
            _("Two-step sign-in is already on. To move it to a new phone, turn it off first."),
            "info",
        )
        return redirect(url_for("auth.account"))
    # The secret stays on the server until confirmed: a session cookie is signed, not secret.
    current_user.totp_pending_secret = new_secret()
    db.session.commit()
    return redirect(url_for("auth.two_step_setup"))


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
def two_step_setup() -> Any:
    """Confirm the authenticator app with its first code, which turns two-step sign-in on."""
    _staff_only()
    secret = current_user.totp_pending_secret
    if not secret or current_user.has_second_factor:
        return redirect(url_for("auth.account"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            enable(current_user, secret, form.code.data or "")
        except SecondFactorError as error:
            form.code.errors = [str(error)]
        else:
            db.session.commit()
            _stay_signed_in()
            flash(
                _("Two-step sign-in is on. You will be asked for a code when you sign in."),
                "success",
            )
            return redirect(url_for("auth.account"))
    uri = provisioning_uri(current_user, secret, current_app.config["SITE_NAME"])
    page = render_template(
        "auth/two_step_setup.html", form=form, secret=grouped(secret), otpauth_uri=uri
    )
    return page, 200 if not form.errors else 400


@bp.route("/account/two-step/off", methods=["POST"])
def two_step_off() -> Any:
    """Turn two-step sign-in off, proven with a current code."""
    _staff_only()
    form = CodeForm()
    if not form.validate_on_submit() or not check_code(current_user, form.code.data or ""):
        flash(_("That code did not match, so two-step sign-in is still on."), "error")
        return redirect(url_for("auth.account"))
    disable(current_user)
    db.session.commit()
    _stay_signed_in()
    flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("auth.account"))
