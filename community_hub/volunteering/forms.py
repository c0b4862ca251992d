"""Forms for opportunities (coordinators) and applications (the public); services validate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from community_hub.catalogue import lazy_gettext as _l
from community_hub.meetings.forms import MultiCheckboxField
from community_hub.publicforms import PublicForm
from community_hub.volunteers.forms import ServiceErrors


class OpportunityForm(ServiceErrors, FlaskForm):
    title = StringField(
        _l("Role"),
        validators=[Length(max=120)],
        description=_l("What the volunteer will be, for example Peer mentor."),
    )
    title_cy = StringField(_l("Role in Welsh (optional)"), validators=[Length(max=120)])
    host_organisation_id = SelectField(
        _l("Where the volunteering happens"), coerce=int, validate_choice=False
    )
    area = StringField(
        _l("Area"),
        validators=[Length(max=120)],
        description=_l("Shown publicly, for example: Doncaster and Mexborough."),
    )
    centre_place = StringField(
        _l("Main town or postcode district (optional)"),
        validators=[Length(max=120)],
        description=_l(
            "Used to show the nearest opportunities first, for example Doncaster or DN4. "
            "Leave it empty to use the area."
        ),
    )
    description = TextAreaField(
        _l("What it involves"),
        validators=[Length(max=4000)],
        description=_l("In plain words: what a volunteer does, with whom, and what they gain."),
    )
    description_cy = TextAreaField(
        _l("What it involves, in Welsh (optional)"),
        validators=[Length(max=4000)],
        description=_l("Shown instead of the text above to people reading in Welsh."),
    )
    time_asked = StringField(
        _l("Time it asks"),
        validators=[Length(max=200)],
        description=_l("For example: 3 hours a week, weekday afternoons."),
    )
    closes_on = DateField(
        _l("Closing date (optional)"),
        validators=[Optional()],
        description=_l("After this day it is no longer listed. Leave empty to keep it open."),
    )
    requirement_ids = MultiCheckboxField(_l("Checks and training it needs"), coerce=int)
    lived_experience_welcome = BooleanField(
        _l("People with lived experience of recovery are welcome to apply"), default=True
    )
    published = BooleanField(_l("Show it on the public volunteering page"), default=True)


class ApplicationForm(ServiceErrors, PublicForm):
    first_name = StringField(_l("Your first name, or the name you use"))
    contact_method = RadioField(
        _l("How should they get in touch?"),
        choices=[SelectChoice("phone", _l("Phone or text")), SelectChoice("email", _l("Email"))],
        validators=[Optional()],
    )
    reply_phone = StringField(_l("Phone number"))
    reply_email = StringField(_l("Email address"))
    availability = TextAreaField(
        _l("When could you usually volunteer?"),
        description=_l("For example: weekday afternoons, or Saturday mornings."),
    )
    about = TextAreaField(
        _l("Tell us a little about you (optional)"),
        description=_l(
            "Anything that would help, like what you would like to do. You do not have to say "
            "anything about your own recovery."
        ),
    )
    consent = BooleanField()  # labelled with the organisation's name by the view
    # A trap for robots: people never see it (see templates/volunteering/opportunity.html).
    nickname = StringField()
