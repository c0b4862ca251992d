"""Courses: sessions, enrolment, attendance registers, completion and withdrawal."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers import courses, services
from community_hub.volunteers import dashboard as board
from community_hub.volunteers.course_models import Course, CourseSession, Enrolment
from community_hub.volunteers.course_models import EnrolmentStatus as E
from community_hub.volunteers.forms import (
    CompleteForm,
    CourseForm,
    EnrolForm,
    SessionForm,
    WithdrawForm,
    show_errors,
)
from community_hub.volunteers.manage import add_course, add_session, register
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.views import (
    MANAGERS,
    bp,
    own_organisation,
    owned,
    scope,
    today,
)


@bp.route("/courses")
@roles_required(*MANAGERS)
def course_list() -> Any:
    """Courses with completion and drop-out figures."""
    return render_template("volunteers/courses.html", progress=board.course_progress(scope()))


@bp.route("/courses/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_course() -> Any:
    """Add a course, and which requirement completing it records."""
    organisation = own_organisation()
    form = CourseForm()
    types = {r.id: r for r in board.requirement_types(organisation.id)}
    form.requirement_type_id.choices = [SelectChoice(0, _("Nothing"))] + [
        SelectChoice(i, r.name) for i, r in types.items()
    ]
    if form.validate_on_submit():
        try:
            course = add_course(
                organisation,
                form.name.data or "",
                form.accreditation.data or "",
                form.description.data or "",
                form.starts_on.data,
                types.get(form.requirement_type_id.data or 0),
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Course added: %(name)s.", name=course.name), "success")
            return redirect(url_for("volunteers.course", course_id=course.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("volunteers/course_new.html", form=form), status


def _render_course(course: Course, status: int = 200, **forms: Any) -> Any:
    session_form = forms.get("session_form") or SessionForm(prefix="session", formdata=None)
    enrol_form = forms.get("enrol_form") or EnrolForm(prefix="enrol", formdata=None)
    enrolled = {e.volunteer_id for e in course.enrolments}
    enrol_form.volunteer_id.choices = [
        SelectChoice(v.id, v.first_name + f" (#{v.id})")
        for v in services.volunteers_for(current_user, include_left=False)
        if v.organisation_id == course.organisation_id and v.id not in enrolled
    ]
    marks = register(course)
    attended = {
        e.id: sum(1 for s in course.sessions if marks.get((s.id, e.id))) for e in course.enrolments
    }
    return render_template(
        "volunteers/course.html",
        course=course,
        figures=courses.figures(course),
        enrolments=sorted(course.enrolments, key=lambda e: e.volunteer.first_name),
        attended=attended,
        session_form=session_form,
        enrol_form=enrol_form,
        errors=forms.get("errors", {}),
        today=today(),
        ENROLLED=E.ENROLLED.value,
    ), status


@bp.route("/courses/<int:course_id>")
@roles_required(*MANAGERS)
def course(course_id: int) -> Any:
    """A course: its sessions, who is enrolled, attendance and outcomes."""
    return _render_course(owned(Course, course_id))


@bp.route("/courses/<int:course_id>/sessions", methods=["POST"])
@roles_required(*MANAGERS)
def new_session(course_id: int) -> Any:
    """Add a dated session to a course."""
    course = owned(Course, course_id)
    form = SessionForm(prefix="session")
    if form.validate_on_submit():
        try:
            add_session(course, form.held_on.data, form.topic.data or "")
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Session added."), "success")
            return redirect(url_for("volunteers.course", course_id=course.id))
    return _render_course(course, 400, session_form=form)


@bp.route("/courses/<int:course_id>/enrol", methods=["POST"])
@roles_required(*MANAGERS)
def enrol(course_id: int) -> Any:
    """Enrol one of the organisation's volunteers."""
    course = owned(Course, course_id)
    form = EnrolForm(prefix="enrol")
    form.volunteer_id.choices = [
        SelectChoice(v.id, v.first_name) for v in services.volunteers_for(current_user)
    ]
    if form.validate_on_submit():
        try:
            enrolment = courses.enrol(course, owned(Volunteer, form.volunteer_id.data or 0))
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Enrolled %(name)s.", name=enrolment.volunteer.first_name), "success")
            return redirect(url_for("volunteers.course", course_id=course.id))
    return _render_course(course, 400, enrol_form=form)


def _session(course: Course, session_id: int) -> CourseSession:
    session = db.session.get(CourseSession, session_id)
    if session is None or session.course_id != course.id:
        abort(404)
    return session


@bp.route("/courses/<int:course_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def attendance(course_id: int, session_id: int) -> Any:
    """The register for one session: tick who came."""
    course = owned(Course, course_id)
    session = _session(course, session_id)
    if request.method == "POST":
        present = set(request.form.getlist("present", type=int))
        for enrolment in course.enrolments:
            courses.mark_attendance(session, enrolment, enrolment.id in present)
        db.session.commit()
        flash(_("Register saved: %(count)d present.", count=len(present)), "success")
        return redirect(url_for("volunteers.course", course_id=course.id))
    marks = register(course)
    return render_template(
        "volunteers/attendance.html",
        course=course,
        session=session,
        marks=marks,
        enrolments=sorted(course.enrolments, key=lambda e: e.volunteer.first_name),
    )


def _enrolment(course: Course, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.course_id != course.id:
        abort(404)
    return enrolment


@bp.route("/courses/<int:course_id>/enrolments/<int:enrolment_id>/complete", methods=["POST"])
@roles_required(*MANAGERS)
def complete(course_id: int, enrolment_id: int) -> Any:
    """Mark a course completed, which records its requirement for the volunteer."""
    course = owned(Course, course_id)
    enrolment = _enrolment(course, enrolment_id)
    form = CompleteForm()
    message = ""
    if form.validate_on_submit() and form.completed_on.data and form.completed_on.data > today():
        message = _("The date cannot be in the future.")
    elif form.validate_on_submit():
        try:
            courses.complete(
                enrolment, form.completed_on.data, current_user, today(),
                form.override_reason.data or "",
            )  # fmt: skip
        except ValidationFailed as failed:
            db.session.rollback()
            message = " ".join(failed.errors.values())
        else:
            db.session.commit()
            flash(
                _("%(name)s completed the course.", name=enrolment.volunteer.first_name), "success"
            )
            return redirect(url_for("volunteers.course", course_id=course.id))
    else:
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return _render_course(course, 400, errors={enrolment.id: message})


@bp.route("/courses/<int:course_id>/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@roles_required(*MANAGERS)
def withdraw(course_id: int, enrolment_id: int) -> Any:
    """Record that someone left the course, and why."""
    course = owned(Course, course_id)
    enrolment = _enrolment(course, enrolment_id)
    form = WithdrawForm()
    message = ""
    if form.validate_on_submit():
        try:
            courses.withdraw(enrolment, today(), form.reason.data or "")
        except ValidationFailed as failed:
            db.session.rollback()
            message = " ".join(failed.errors.values())
        else:
            db.session.commit()
            flash(_("%(name)s withdrew.", name=enrolment.volunteer.first_name), "success")
            return redirect(url_for("volunteers.course", course_id=course.id))
    else:
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return _render_course(course, 400, errors={enrolment.id: message})
