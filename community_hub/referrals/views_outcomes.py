"""Recovery capital (BARC-10) at referral, the outcome summary for the referrer, and the
BARC-10 FHIR Questionnaire that exported answers point to."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import consent, fhir, outcome_summary, recovery_capital, services
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.forms import BarcForm, PlainForm, barc_scores
from community_hub.referrals.models import Purpose
from community_hub.referrals.views import STAFF, bp, today
from community_hub.volunteers.forms import show_errors
from community_hub.web import public

THEN = ("match", "referral")  # where the worker goes next, after the questionnaire or a skip


@bp.route(
    "/<int:referral_id>/recovery-capital", methods=["GET", "POST"], endpoint="recovery_capital"
)
@roles_required(*STAFF)
def recovery_capital_page(referral_id: int) -> Any:
    """BARC-10 at referral: ten statements the client answers, or skips."""
    found = services.referral_for(current_user, referral_id)
    then = request.args.get("then", "referral")
    then = then if then in THEN else "referral"
    onward = url_for(f"referrals.{then}", referral_id=found.id)
    form = BarcForm()
    day = today()
    if form.validate_on_submit():
        try:
            saved = recovery_capital.record(
                found, recovery_capital.BASELINE, barc_scores(form), current_user, day
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        except ConsentMissing as missing:
            db.session.rollback()
            form.form_errors.append(str(missing))
        else:
            db.session.commit()
            if saved is not None:
                flash(
                    _("Recovery capital recorded: %(total)d of 60.", total=saved.total), "success"
                )
            return redirect(onward)
        found = services.referral_for(current_user, referral_id)
    status = 400 if form.errors or form.form_errors else 200
    page = render_template(
        "referrals/recovery_capital.html",
        referral=found,
        form=form,
        onward=onward,
        step=then == "match",
        consented=consent.current(found.client, Purpose.OUTCOME_TO_REFERRER, day) is not None,
        already=recovery_capital.recorded_at(found, recovery_capital.BASELINE),
    )
    db.session.commit()
    return page, status


@bp.route("/<int:referral_id>/outcome-summary", methods=["POST"])
@roles_required(*STAFF)
def send_outcome_summary(referral_id: int) -> Any:
    """Send the outcome so far to the referring organisation, with the client's consent."""
    found = services.referral_for(current_user, referral_id)
    if PlainForm().validate_on_submit():
        try:
            sent = outcome_summary.send(found, current_user, today())
        except ConsentMissing as missing:
            db.session.rollback()
            flash(str(missing), "error")
        else:
            db.session.commit()
            if sent:
                flash(_("Outcome summary sent to %(org)s.", org=found.organisation.name), "success")
            else:
                flash(_("%(org)s has no coordinator or contact address to send it to.",
                        org=found.organisation.name), "error")  # fmt: skip
    return redirect(url_for("referrals.referral", referral_id=referral_id))


@bp.route("/fhir/Questionnaire/barc-10")
@public
def barc10_questionnaire() -> Any:
    """The BARC-10 as a FHIR R4 Questionnaire: what exported answers refer to."""
    return jsonify(fhir.barc10_questionnaire())
