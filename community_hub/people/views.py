"""Public pages: find a peer supporter or recovery champion, and ask to be put in touch."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db, limiter
from community_hub.freshness import is_stale
from community_hub.geo.params import RADII, place_from_args, radius_from_args
from community_hub.people import services, vocab
from community_hub.people.forms import ContactRequestForm
from community_hub.people.models import Listing, PeerSupporter, RecoveryChampion
from community_hub.people.services import ValidationFailed
from community_hub.publicforms import public_form
from community_hub.web import public

bp = Blueprint("people", __name__)

DEFAULT_RADIUS = "10mi"
RESULTS_LIMIT = 50


bp.add_app_template_global(functools.partial(vocab.label, vocab.OFFERS), "offer_name")
bp.add_app_template_global(functools.partial(vocab.label, vocab.PATHWAYS), "pathway_name")
bp.add_app_template_global(functools.partial(vocab.label, vocab.LANGUAGES), "language_name")
bp.add_app_template_global(functools.partial(vocab.label, vocab.LEVEL_NAMES), "level_name")


def _codes(args: MultiDict[str, str], name: str, vocabulary: dict[str, Any]) -> frozenset[str]:
    """The chosen codes this vocabulary knows; unknown ones are ignored."""
    return frozenset(c.strip().lower() for c in args.getlist(name)) & set(vocabulary)


def _can_preview(listing: Listing) -> bool:
    """Coordinators may look at their own not-yet-public listings, marked as a preview."""
    return bool(current_user.is_authenticated) and can_manage_organisation(
        current_user, listing.organisation_id
    )


def _common_context() -> dict[str, Any]:
    return {
        "today": datetime.now(UTC).date(),
        "stale_after": current_app.config["STALE_AFTER_DAYS"],
        "radius_choices": RADII,
    }


@bp.route("/peers")
@public
def peers() -> Any:
    """Peer supporters near a place, with what they offer, languages and pathways."""
    errors: dict[str, str] = {}
    place = place_from_args(request.args, errors)
    radius_choice, radius_km = radius_from_args(request.args, errors, DEFAULT_RADIUS)
    offers = _codes(request.args, "offer", vocab.OFFERS)
    languages = _codes(request.args, "language", vocab.LANGUAGES)
    pathways = _codes(request.args, "pathway", vocab.PATHWAYS)
    results: list[tuple[float | None, PeerSupporter]] = []
    if place and not errors:
        results = list(
            services.search_peers(
                place[0], place[1], radius_km, offers, languages, pathways, RESULTS_LIMIT
            )
        )
    elif not errors:
        results = [(None, p) for p in services.public_peers(offers, languages, pathways)]
    return render_template(
        "people/peers.html",
        args=request.args,
        errors=errors,
        results=results,
        place_label=place[2] if place else "",
        radius_choice=radius_choice,
        offers=vocab.OFFERS,
        languages=vocab.LANGUAGES,
        pathways=vocab.PATHWAYS,
        **_common_context(),
    ), (400 if errors else 200)


@bp.route("/peers/<int:peer_id>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@public
@public_form
def peer(peer_id: int) -> Any:
    """One peer supporter, and a form to ask their organisation to put you in touch."""
    item = services.listed_peer(peer_id)
    preview = False
    if item is None:
        candidate = db.session.get(PeerSupporter, peer_id)
        if candidate is None or request.method == "POST" or not _can_preview(candidate):
            abort(404)
        item, preview = candidate, True
    form = ContactRequestForm()
    if not preview and form.validate_on_submit():
        try:
            services.create_contact_request(
                item,
                form.first_name.data or "",
                form.contact_method.data or "",
                reply_phone=form.reply_phone.data or "",
                reply_email=form.reply_email.data or "",
                message=form.message.data or "",
                consent=bool(form.consent.data),
            )
        except ValidationFailed as failed:
            form.set_errors(failed.errors)
        else:
            db.session.commit()
            # A page, not a flash: a flash would need a cookie, and public pages set none.
            return render_template("people/contact_sent.html", peer=item)
    context = _common_context()
    return render_template(
        "people/peer.html",
        peer=item,
        form=form,
        preview=preview,
        stale=is_stale(item, context["today"], context["stale_after"]),
        **context,
    ), (400 if form.errors or form.form_errors else 200)


@bp.route("/champions")
@public
def champions() -> Any:
    """Recovery champions at every level; signed-in staff also see those listed privately."""
    errors: dict[str, str] = {}
    place = place_from_args(request.args, errors)
    radius_choice, radius_km = radius_from_args(request.args, errors, DEFAULT_RADIUS)
    levels = _codes(request.args, "level", vocab.LEVELS)
    staff = services.is_staff(current_user)
    results: list[tuple[float | None, RecoveryChampion]] = []
    if place and not errors:
        results = list(
            services.search_champions(place[0], place[1], radius_km, levels, staff, RESULTS_LIMIT)
        )
    elif not errors:
        results = [(None, c) for c in services.public_champions(levels, include_private=staff)]
    return render_template(
        "people/champions.html",
        args=request.args,
        errors=errors,
        results=results,
        place_label=place[2] if place else "",
        radius_choice=radius_choice,
        levels=vocab.LEVELS,
        staff=staff,
        **_common_context(),
    ), (400 if errors else 200)


@bp.route("/champions/<int:champion_id>")
@public
def champion(champion_id: int) -> Any:
    """One recovery champion's short profile."""
    item = services.listed_champion(champion_id, include_private=services.is_staff(current_user))
    preview = False
    if item is None:
        candidate = db.session.get(RecoveryChampion, champion_id)
        if candidate is None or not _can_preview(candidate):
            abort(404)
        item, preview = candidate, True
    return render_template(
        "people/champion.html", champion=item, preview=preview, **_common_context()
    )
