"""Coordinators keep their organisation's peer and champion listings and answer contact requests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community_hub.accounts.acting import working_organisation
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role
from community_hub.auth.services import can_manage_organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.freshness import is_stale
from community_hub.meetings.services import ValidationFailed
from community_hub.people import services
from community_hub.people.forms import (
    ChampionForm,
    ConsentForm,
    HandleRequestForm,
    ListingForm,
    PeerForm,
)
from community_hub.people.models import (
    ContactRequest,
    Listing,
    PeerSupporter,
    RecoveryChampion,
    RequestStatus,
)
from community_hub.people.services import ChampionData, PeerData
from community_hub.volunteers import links

bp = Blueprint("manage_people", __name__, url_prefix="/manage/people")
MANAGERS = (Role.COORDINATOR.value, Role.ADMIN.value)


def _today() -> date:
    return datetime.now(UTC).date()


def _owned(kind: str, listing_id: int) -> Any:
    """The listing if this user may manage it; 404 otherwise, so others learn nothing."""
    listing: Listing | None = None
    if kind == "peers":
        listing = db.session.get(PeerSupporter, listing_id)
    elif kind == "champions":
        listing = db.session.get(RecoveryChampion, listing_id)
    if listing is None or not can_manage_organisation(current_user, listing.organisation_id):
        abort(404)
    return listing


def _organisation() -> Organisation:
    """The organisation new records belong to (an administrator chooses one to act for)."""
    return working_organisation()


def _common(form: ListingForm) -> dict[str, Any]:
    return {
        "display_name": form.display_name.data or "",
        "area": form.area.data or "",
        "centre_place": form.centre_place.data or "",
        "latitude": form.latitude.data,
        "longitude": form.longitude.data,
        "bio": form.bio.data or "",
        "bio_cy": form.bio_cy.data or "",
        "private_phone": form.private_phone.data or "",
        "private_email": form.private_email.data or "",
    }


def _peer_data(form: PeerForm) -> PeerData:
    return PeerData(
        **_common(form),
        languages=list(form.languages.data or []),
        gender=form.gender.data or "",
        pathways=list(form.pathways.data or []),
        offers=list(form.offers.data or []),
        availability=form.availability.data or "",
        paid=bool(form.paid.data),
    )


def _champion_data(form: ChampionForm) -> ChampionData:
    return ChampionData(
        **_common(form), level=form.level.data or "", visibility=form.visibility.data or ""
    )


def _back() -> Any:
    return redirect(url_for("manage_people.dashboard"))


@bp.route("/")
@roles_required(*MANAGERS)
def dashboard() -> Any:
    """The organisation's peers and champions, those to check first, and new requests."""
    today = _today()
    peers = services.peers_for(current_user, include_archived=True)
    champions = services.champions_for(current_user, include_archived=True)
    listings: list[Listing] = [*peers, *champions]
    stale = [i for i in listings if i.archived_at is None and is_stale(i, today)]
    return render_template(
        "people/manage/dashboard.html",
        peers=peers,
        champions=champions,
        stale=stale,
        requests=services.requests_for(current_user),
        status=services.status,
        today=today,
    )


def _save(kind: str, listing: Any) -> Any:
    """Create or change a peer or champion from its form."""
    form: PeerForm | ChampionForm = (
        PeerForm(obj=listing) if kind == "peers" else ChampionForm(obj=listing)
    )
    if listing is not None and not form.is_submitted() and isinstance(form, PeerForm):
        form.languages.data = listing.language_list
        form.pathways.data = listing.pathway_list
        form.offers.data = listing.offer_list
        form.volunteer_id.data = listing.volunteer_id or 0
    if isinstance(form, PeerForm):
        organisation_id = listing.organisation_id if listing else _organisation().id
        form.volunteer_id.choices = [SelectChoice(0, _("Not linked"))] + [
            SelectChoice(v.id, v.first_name) for v in links.linkable_volunteers(organisation_id)
        ]
    if form.validate_on_submit():
        today = _today()
        try:
            if isinstance(form, PeerForm):
                data = _peer_data(form)
                if listing is None:
                    listing = services.create_peer(data, _organisation(), today)
                else:
                    services.update_peer(listing, data, today)
                links.link_peer_to_volunteer(listing, form.volunteer_id.data or 0)
            else:
                champion = _champion_data(form)
                if listing is None:
                    listing = services.create_champion(champion, _organisation(), today)
                else:
                    services.update_champion(listing, champion, today)
        except ValidationFailed as failed:
            db.session.rollback()
            form.set_errors(failed.errors)
        else:
            db.session.commit()
            flash(_("Saved: %(name)s.", name=listing.display_name), "success")
            if not listing.has_consent:
                flash(_("Not shown publicly until you record their consent."), "info")
            return _back()
    template = (
        "people/manage/peer_form.html" if kind == "peers" else "people/manage/champion_form.html"
    )
    return render_template(template, form=form, listing=listing), (
        400 if form.errors or form.form_errors else 200
    )


@bp.route("/peers/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_peer() -> Any:
    """Add a peer supporter; hidden from the public until consent is recorded."""
    _organisation()
    return _save("peers", None)


@bp.route("/champions/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_champion() -> Any:
    """Add a recovery champion; not listed until consent is recorded."""
    _organisation()
    return _save("champions", None)


@bp.route("/<any(peers, champions):kind>/<int:listing_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(kind: str, listing_id: int) -> Any:
    """Change a listing; saving also confirms it is current."""
    return _save(kind, _owned(kind, listing_id))


@bp.route("/<any(peers, champions):kind>/<int:listing_id>/consent", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def consent(kind: str, listing_id: int) -> Any:
    """Record, on the person's behalf, that they agreed to be listed and how."""
    listing: Listing = _owned(kind, listing_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            services.record_consent(
                listing, current_user, form.how.data or "", bool(form.search_engines.data)
            )
        except ValidationFailed as failed:
            form.set_errors(failed.errors)
        else:
            db.session.commit()
            flash(_("Consent recorded for %(name)s.", name=listing.display_name), "success")
            return _back()
    return render_template("people/manage/consent.html", form=form, listing=listing, kind=kind), (
        400 if form.errors or form.form_errors else 200
    )


ACTIONS = {
    "hide": (services.hide, _l("Hidden from public pages: %(name)s.")),
    "show": (services.show, _l("Shown again: %(name)s.")),
    "withdraw": (services.withdraw_consent, _l("Consent withdrawn and listing hidden: %(name)s.")),
}


@bp.route(
    "/<any(peers, champions):kind>/<int:listing_id>/<any(hide, show, withdraw):action>",
    methods=["POST"],
)
@roles_required(*MANAGERS)
def act(kind: str, listing_id: int, action: str) -> Any:
    """One click: hide, show or withdraw consent (the lifecycle buttons are listings.act)."""
    listing: Listing = _owned(kind, listing_id)
    try:
        change, text = ACTIONS[action]
        change(listing)
        message = str(text) % {"name": listing.display_name}
    except ValidationFailed as failed:
        db.session.rollback()
        for problem in failed.errors.values():
            flash(problem, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return _back()


@bp.route("/requests")
@roles_required(*MANAGERS)
def requests() -> Any:
    """Requests from the public to be put in touch with a peer: new first, then handled."""
    new = services.requests_for(current_user)
    handled = services.requests_for(current_user, status="handled")[-20:]
    return render_template("people/manage/requests.html", new=new, handled=handled[::-1])


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def contact_request(request_id: int) -> Any:
    """Read one request and record what was done about it."""
    item = db.session.get(ContactRequest, request_id)
    if item is None or not can_manage_organisation(current_user, item.organisation_id):
        abort(404)
    form = HandleRequestForm()
    if item.status != RequestStatus.NEW.value and form.is_submitted():
        flash(_("This request has already been dealt with."), "info")
        return redirect(url_for("manage_people.contact_request", request_id=item.id))
    if form.validate_on_submit():
        try:
            services.handle_contact_request(item, current_user, form.note.data or "")
        except ValidationFailed as failed:
            form.set_errors(failed.errors)
        else:
            db.session.commit()
            flash(_("Marked as handled. Thank you."), "success")
            return redirect(url_for("manage_people.requests"))
    return render_template("people/manage/request.html", item=item, form=form), (
        400 if form.errors or form.form_errors else 200
    )
