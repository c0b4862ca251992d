"""Forms for joining, resetting a password, and the administrators' and coordinators' pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from community_hub.accounts.labels import KIND_LABELS
from community_hub.catalogue import lazy_gettext as _l
from community_hub.publicforms import PublicForm
from community_hub.volunteers.forms import ServiceErrors

PASSWORD_HINT = _l(
    "At least 12 characters. A few unrelated words make a password that is long and easy to "
    "remember."
)


class NewPasswordForm(ServiceErrors, PublicForm):
    token = HiddenField()
    password = PasswordField(
        _l("Choose a password"),
        description=PASSWORD_HINT,
        validators=[DataRequired(_l("Choose a password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class AcceptForm(NewPasswordForm):
    display_name = StringField(
        _l("Your name"),
        description=_l("As colleagues will see it, for example your first name."),
        validators=[DataRequired(_l("Enter your name.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )


class ForgotForm(PublicForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class InviteForm(ServiceErrors, FlaskForm):
    email = EmailField(
        _l("Their email address"),
        validators=[DataRequired(_l("Enter their email address.")), Length(max=254)],
    )
    role = SelectField(_l("Role"), validate_choice=False)
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)


class RoleForm(ServiceErrors, FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False)
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)


class OrganisationForm(ServiceErrors, FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=200)]
    )
    kind = RadioField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validate_choice=False,
    )
    area = StringField(
        _l("Area it serves"),
        description=_l("For example: Doncaster, Mexborough and the Dearne Valley."),
        validators=[Optional(), Length(max=120)],
    )
    contact_email = EmailField(
        _l("Contact address for notifications"),
        description=_l(
            "Emails about its listings and people go to its coordinators; this address hears "
            "them when it has none."
        ),
        validators=[Optional(), Length(max=254)],
    )
    duty_phone = StringField(
        _l("Duty line (optional)"),
        description=_l(
            "A phone number staff answer, given to peers who go with its clients to a meeting. "
            "Never a personal number."
        ),
        validators=[Optional(), Length(max=40)],
    )
    response_time = StringField(
        _l("When people hear back (optional)"),
        description=_l(
            "Shown to someone who asks to be put in touch with one of its peers, for example: "
            "We reply within two working days."
        ),
        validators=[Optional(), Length(max=200)],
    )
    timezone = StringField(
        _l("Time zone"),
        description=_l("Used for its new meetings, for example Europe/London."),
        validators=[DataRequired(_l("Enter a time zone.")), Length(max=64)],
    )


class PreferencesForm(FlaskForm):
    language = RadioField(_l("Emails to you are written in"), validate_choice=False)
    email_digest = BooleanField(
        _l("Send me one email a day instead of one for each notification"),
        description=_l(
            "Invitations and password emails always come at once. Only coordinators get "
            "notifications."
        ),
    )
