"""Sign-in and second-factor forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from community_hub.catalogue import lazy_gettext as _l
from community_hub.publicforms import PublicForm


class LoginForm(PublicForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(
        _l("Keep me signed in on this device"),
        description=_l("For volunteers. Staff are always asked to sign in again after a break."),
    )


class CodeForm(FlaskForm):
    """A six-digit code from an authenticator app."""

    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("6 digits, for example 123 456. A new code appears every 30 seconds."),
        validators=[DataRequired(_l("Enter the 6-digit code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class LoginCodeForm(PublicForm):
    """The code at sign-in: shown before the person is signed in, so its token is in the page."""

    code = CodeForm.code
