"""Suggest a change, for every kind of listing: the public's form, and a coordinator's edit
made from a suggestion, which the history records as the suggestion's and marks applied."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_login import current_user

from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db
from community_hub.listings import history
from community_hub.listings.registry import KINDS
from community_hub.meetings.forms import SuggestionForm
from community_hub.meetings.models import ChangeSuggestion, SuggestionStatus
from community_hub.meetings.services import ValidationFailed
from community_hub.meetings.suggestions import suggest_change

# ChangeSuggestion's name for each kind it can be about.
KIND_OF_TARGET = {
    "meeting": "meetings",
    "peer": "peers",
    "champion": "champions",
    "service": "resources",
}
# The edit pages a coordinator reaches from a suggestion, and how their URLs name the listing.
EDIT_PAGES = {
    "manage.edit_meeting": lambda args: ("meetings", args.get("meeting_id")),
    "manage_people.edit": lambda args: (args.get("kind"), args.get("listing_id")),
    "manage_resources.edit": lambda args: ("resources", args.get("service_id")),
}


def handle_suggestion(target: Any, name: str, back_url: str) -> Any:
    """The public form: validate, queue the suggestion for the listing's keepers, thank them."""
    form = SuggestionForm()
    if form.validate_on_submit():
        try:
            suggest_change(
                target, form.kind.data or "", form.message.data or "", form.reply_email.data or ""
            )
        except ValidationFailed as failed:
            for field, message in failed.errors.items():
                getattr(form, field).errors = [message]
        else:
            db.session.commit()
            # A page, not a flash: a flash would need a cookie, and public pages set none.
            return render_template("meetings/suggest_sent.html", name=name, back_url=back_url)
    status = 400 if form.errors else 200
    return render_template("meetings/suggest.html", name=name, back_url=back_url, form=form), status


def edit_url_for(suggestion: ChangeSuggestion) -> str:
    """Where a coordinator corrects the listing a suggestion is about (carrying the suggestion)."""
    target = suggestion.target
    if target is None:
        return ""
    url = KINDS[KIND_OF_TARGET[suggestion.target_kind]].edit(target)
    if suggestion.status == SuggestionStatus.PENDING.value:
        url += f"?suggestion={suggestion.id}"
    return url


def from_suggestion() -> None:
    """Before an edit page saves: if it came from a pending suggestion about this listing,
    record the change as that suggestion's (the history then marks it applied)."""
    raw = request.args.get("suggestion", "")
    page = EDIT_PAGES.get(request.endpoint or "")
    if request.method != "POST" or page is None or not raw.isdigit() or len(raw) > 12:
        return
    if not current_user.is_authenticated:
        return
    suggestion = db.session.get(ChangeSuggestion, int(raw))
    if suggestion is None or suggestion.status != SuggestionStatus.PENDING.value:
        return
    if not can_manage_organisation(current_user, suggestion.organisation_id):
        return
    kind, listing_id = page(request.view_args or {})
    target = suggestion.target
    if KIND_OF_TARGET.get(suggestion.target_kind) != kind or str(target.id) != str(listing_id):
        return
    history.set_context(
        history.Context("suggestion", user_id=current_user.id, suggestion_id=suggestion.id)
    )
