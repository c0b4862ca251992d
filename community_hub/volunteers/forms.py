"""Forms for the volunteer programme pages; services do the real validation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.meetings.forms import MultiCheckboxField
from community_hub.meetings.services import ValidationFailed
from community_hub.people.forms import choices
from community_hub.people.vocab import LANGUAGES
from community_hub.volunteers.models import STAGE_LABELS, Source
from community_hub.volunteers.placement_models import EndReason, PlacementStatus
from community_hub.volunteers.requirement_models import DbsLevel

CONTACT_LABELS = {
    "email": _l("Email"),
    "phone": _l("Phone call"),
    "text": _l("Text message"),
    "post": _l("Post"),
    "none": _l("Do not contact"),
}
SOURCE_LABELS = {
    Source.STAFF: _l("Added by staff"),
    Source.IMPORT: _l("Imported from a spreadsheet"),
    Source.APPLICATION: _l("Applied online"),
}
DBS_LABELS = {
    DbsLevel.BASIC: _l("Basic"),
    DbsLevel.STANDARD: _l("Standard"),
    DbsLevel.ENHANCED: _l("Enhanced"),
    DbsLevel.ENHANCED_BARRED: _l("Enhanced with barred lists"),
}
END_REASON_LABELS = {
    EndReason.COMPLETED: _l("Completed"),
    EndReason.VOLUNTEER_LEFT: _l("Volunteer left"),
    EndReason.HOST_ENDED: _l("Host ended it"),
    EndReason.ENDED_BY_COORDINATOR: _l("Ended by the coordinator"),
}
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_PIECE = 400_000  # characters of base64 in each hidden field
IMPORT_PIECES = IMPORT_MAX_BYTES * 4 // 3 // IMPORT_PIECE + 1
SUPERVISION_KINDS = {
    "one_to_one": _l("One to one"),
    "group": _l("Group"),
    "observation": _l("Observation"),
}


class ServiceErrors:
    """Show a service's ValidationFailed messages next to the fields they name."""

    def set_error(self, field_name: str, message: str) -> None:
        field = getattr(self, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), message]
        else:
            self.form_errors.append(message)  # type: ignore[attr-defined]


def show_errors(form: ServiceErrors, failed: ValidationFailed) -> None:
    """Undo the failed change and show each of its reasons beside its field."""
    db.session.rollback()
    for name, message in failed.errors.items():
        form.set_error(name, message)


class VolunteerForm(ServiceErrors, FlaskForm):
    first_name = StringField(_l("First name (or the name they use)"), validators=[Length(max=60)])
    email = StringField(_l("Email"), validators=[Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    contact_preference = SelectField(
        _l("How they would like to be contacted"),
        choices=[SelectChoice(k, v) for k, v in CONTACT_LABELS.items()],
    )
    availability = TextAreaField(_l("Availability"), validators=[Length(max=2000)])
    languages = MultiCheckboxField(
        _l("Languages they speak"), choices=choices(LANGUAGES), default=["en"]
    )
    skills = TextAreaField(_l("Skills and lived experience they want to share"))
    gender = StringField(_l("Gender (optional, as they describe it)"), validators=[Length(max=60)])
    emergency_contact_name = StringField(
        _l("Emergency contact name (staff only)"), validators=[Length(max=100)]
    )
    emergency_contact_phone = StringField(
        _l("Emergency contact phone (staff only)"), validators=[Length(max=40)]
    )
    peer_id = SelectField(
        _l("Their peer supporter profile"),
        coerce=int,
        validate_choice=False,
        description=_l("The public profile that offers them as a peer supporter, if any."),
    )


class StageForm(ServiceErrors, FlaskForm):
    stage = SelectField(
        _l("New stage"), choices=[SelectChoice(s.value, v) for s, v in STAGE_LABELS.items()]
    )
    reason = TextAreaField(_l("Why (optional)"), validators=[Length(max=2000)])


class PauseForm(ServiceErrors, FlaskForm):
    pause_reason = TextAreaField(
        _l("Reason (optional, kept private)"), validators=[Length(max=2000)]
    )


class CheckForm(ServiceErrors, FlaskForm):
    requirement_type_id = SelectField(_l("Requirement"), coerce=int, validators=[InputRequired()])
    completed_on = DateField(
        _l("Date completed or issued"),
        validators=[InputRequired(_l("Enter the date, for example 2026-11-23."))],
    )
    dbs_level = SelectField(
        _l("DBS level (DBS checks only)"),
        choices=[SelectChoice("", _l("Not a DBS check"))]
        + [SelectChoice(k.value, v) for k, v in DBS_LABELS.items()],
    )
    certificate_number = StringField(
        _l("DBS certificate number (DBS checks only)"), validators=[Length(max=40)]
    )
    update_service = BooleanField(_l("Registered with the DBS update service"))
    notes = TextAreaField(_l("Notes (optional)"), validators=[Length(max=2000)])


class PlacementForm(ServiceErrors, FlaskForm):
    volunteer_id = SelectField(_l("Volunteer"), coerce=int, validators=[InputRequired()])
    host_organisation_id = SelectField(
        _l("Host organisation"), coerce=int, validators=[InputRequired()]
    )
    role = StringField(
        _l("Role"),
        validators=[Length(max=60)],
        description=_l("The role decides which checks and training are needed."),
    )
    supervisor_name = StringField(_l("Supervisor at the host"), validators=[Length(max=100)])
    supervision_every_days = IntegerField(
        _l("Supervision every (days)"),
        default=28,
        validators=[InputRequired(_l("Enter a number of days, for example 28."))],
    )


class MoveForm(ServiceErrors, FlaskForm):
    to = SelectField(choices=[SelectChoice(s.value, s.value) for s in PlacementStatus])
    reason = TextAreaField(_l("Why"), validators=[Length(max=2000)])
    end_reason = SelectField(
        _l("Why it ended"),
        default="",
        choices=[SelectChoice("", _l("Choose a reason"))]
        + [SelectChoice(k.value, v) for k, v in END_REASON_LABELS.items()],
    )


class SupervisionForm(ServiceErrors, FlaskForm):
    held_on = DateField(_l("Date held"), validators=[InputRequired(_l("Enter the date."))])
    kind = SelectField(
        _l("Type"), choices=[SelectChoice(k, v) for k, v in SUPERVISION_KINDS.items()]
    )
    notes = TextAreaField(_l("Notes (staff only)"), validators=[Length(max=4000)])


class CourseForm(ServiceErrors, FlaskForm):
    name = StringField(_l("Course name"), validators=[Length(max=200)])
    accreditation = StringField(
        _l("Accreditation (optional)"),
        validators=[Length(max=200)],
        description=_l("For example Open College Network, level 2."),
    )
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=4000)])
    starts_on = DateField(_l("Start date (optional)"), validators=[Optional()])
    requirement_type_id = SelectField(_l("Completing it records"), coerce=int)


class SessionForm(ServiceErrors, FlaskForm):
    held_on = DateField(_l("Session date"), validators=[InputRequired(_l("Enter the date."))])
    topic = StringField(_l("Topic"), validators=[Length(max=200)])


class EnrolForm(ServiceErrors, FlaskForm):
    volunteer_id = SelectField(_l("Volunteer"), coerce=int, validators=[InputRequired()])


class CompleteForm(ServiceErrors, FlaskForm):
    completed_on = DateField(_l("Completed on"), validators=[InputRequired(_l("Enter the date."))])
    override_reason = StringField(
        _l("Why, if sessions were missed or are still to come"), validators=[Length(max=2000)]
    )


class WithdrawForm(ServiceErrors, FlaskForm):
    reason = TextAreaField(
        _l("Why they withdrew"),
        validators=[
            DataRequired(_l("Say why they withdrew (it helps improve the course).")),
            Length(max=2000),
        ],
    )


class HoursForm(ServiceErrors, FlaskForm):
    placement_id = SelectField(_l("Placement"), coerce=int, validators=[InputRequired()])
    worked_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    hours = StringField(
        _l("Hours"),
        validators=[Length(max=10)],
        description=_l("In quarter hours, for example 2.5."),
    )
    description = TextAreaField(_l("What you did (optional)"), validators=[Length(max=2000)])


class DeclineForm(ServiceErrors, FlaskForm):
    reason = TextAreaField(_l("Why the hours are declined"), validators=[Length(max=2000)])


class ImportForm(ServiceErrors, FlaskForm):
    spreadsheet = FileField(
        _l("Spreadsheet saved as CSV"),
        validators=[FileRequired(_l("Choose the CSV file to check."))],
        description=_l("CSV UTF-8, 5 MB at most."),
    )
    submit = SubmitField(_l("Check the file"))


class SaveImportForm(FlaskForm):
    # The checked file (base64) in pieces, as each form field must stay under 500 kB, and its
    # SHA-256, so what is saved is exactly what was checked.
    content = FieldList(HiddenField(), max_entries=IMPORT_PIECES)
    digest = HiddenField()
    submit = SubmitField(_l("Save these volunteers"))
