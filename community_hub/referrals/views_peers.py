"""The peer side: referrals offered to a peer, seen only as far as the client's consent allows."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.extensions import db
from community_hub.referrals import matching, offers
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.forms import RespondForm
from community_hub.referrals.services import TransitionRefused
from community_hub.referrals.states import Status
from community_hub.referrals.views import bp, today

# Any signed-in role may ask; only the matched peer and their coordinator find anything (404).
PEER_SIDE = tuple(r.value for r in Role)


@bp.route("/offers")
@roles_required(*PEER_SIDE)
def offer_list() -> Any:
    """Clients a peer has been asked to go with: reference, meeting and time, nothing more."""
    items = offers.offers_for(current_user, today())
    db.session.commit()
    return render_template(
        "referrals/offers.html",
        offers=items,
        form=RespondForm(formdata=None),
        MATCHED=Status.MATCHED,
    )


@bp.route("/offers/<int:referral_id>/<any(accept, decline):answer>", methods=["POST"])
@roles_required(*PEER_SIDE)
def respond(referral_id: int, answer: str) -> Any:
    """The peer, or their coordinator, accepts or declines (a decline returns it to matching)."""
    day = today()
    found = offers.offered_referral(current_user, referral_id, day)
    form = RespondForm()
    form.validate_on_submit()
    try:
        matching.respond(found, answer == "accept", current_user, day, form.reason.data or "")
    except (ConsentMissing, TransitionRefused) as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        if answer == "accept":
            flash(_("Accepted. The worker can see you are going."), "success")
        else:
            flash(_("Declined. The worker will find someone else."), "success")
    return redirect(url_for("referrals.offer_list"))
