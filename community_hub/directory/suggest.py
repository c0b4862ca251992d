"""The public's "suggest a change" pages for peers, champions and resources.

Meetings have theirs at /meetings/<slug>/suggest; all use listings/suggestions.py.
"""

from __future__ import annotations

from typing import Any

from flask import abort, url_for

from community_hub.directory.views import bp
from community_hub.extensions import db, limiter
from community_hub.listings.suggestions import handle_suggestion
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.publicforms import public_form
from community_hub.resources.services import public_resource
from community_hub.web import public


@bp.route("/peers/<int:peer_id>/suggest", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@public
@public_form
def suggest_peer(peer_id: int) -> Any:
    """Tell a peer supporter's organisation that their listing is wrong."""
    peer = db.session.get(PeerSupporter, peer_id)
    if peer is None or not peer.is_public:
        abort(404)
    return handle_suggestion(peer, peer.display_name, url_for("people.peer", peer_id=peer.id))


@bp.route("/champions/<int:champion_id>/suggest", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@public
@public_form
def suggest_champion(champion_id: int) -> Any:
    """Tell a recovery champion's organisation that their listing is wrong."""
    champion = db.session.get(RecoveryChampion, champion_id)
    if champion is None or not champion.is_public:
        abort(404)
    back = url_for("people.champion", champion_id=champion.id)
    return handle_suggestion(champion, champion.display_name, back)


@bp.route("/resources/<service_id>/suggest", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@public
@public_form
def suggest_resource(service_id: str) -> Any:
    """Tell a resource's organisation that its listing is wrong."""
    service = public_resource(service_id[:36])
    if service is None:
        abort(404)
    back = url_for("resources.resource", service_id=service.id)
    return handle_suggestion(service, service.name, back)
