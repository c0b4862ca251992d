"""Subject access and erasure: an administrator finds one client, exports or erases their data."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, OrganisationKind, Role
from community_hub.extensions import db
from community_hub.referrals import subject
from community_hub.referrals.models import Client
from community_hub.referrals.views import bp, today


def _client(client_id: int) -> Client:
    found = db.session.get(Client, client_id)
    if found is None:
        abort(404)
    return found


@bp.route("/subject-requests", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def subject_requests() -> Any:
    """Find the client a subject access or erasure request is about."""
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.TREATMENT.value)
        .order_by(Organisation.name)
    ).all()
    # Posted, so a client's reference never sits in a URL or an access log.
    slug = request.form.get("organisation", "")[:100]
    reference = request.form.get("reference", "").strip()[:40]
    found = None
    if slug and reference:
        found = db.session.scalar(
            select(Client)
            .join(Organisation, Organisation.id == Client.organisation_id)
            .where(Organisation.slug == slug, Client.reference == reference)
        )
        if found is None:
            flash(_("No client with that reference at that organisation."), "error")
    return render_template(
        "referrals/subject.html",
        organisations=organisations,
        slug=slug,
        reference=reference,
        found=found,
    )


@bp.route("/subject-requests/<int:client_id>.json")
@roles_required(Role.ADMIN.value)
def subject_export(client_id: int) -> Any:
    """Everything held about one client, as JSON to send to them."""
    document = subject.export(_client(client_id), current_user)
    db.session.commit()
    response = jsonify(document)
    response.headers["Content-Disposition"] = f"attachment; filename=client-{client_id}.json"
    return response


@bp.route("/subject-requests/<int:client_id>/erase", methods=["POST"])
@roles_required(Role.ADMIN.value)
def subject_erase(client_id: int) -> Any:
    """Erase one client's identifying data once the reference is typed again to confirm."""
    found = _client(client_id)
    typed = request.form.get("confirm", "").strip()
    if typed != found.reference:
        flash(_("Type the client's reference exactly to confirm the erasure."), "error")
        return redirect(url_for("referrals.subject_requests"))
    subject.erase(found, current_user, today())
    db.session.commit()
    flash(_("Erased. The referral counts in reports are unchanged."), "success")
    return redirect(url_for("referrals.subject_requests"))
