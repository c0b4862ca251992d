"""Feed subscriptions: an organisation (a listing body, say) takes meetings from outside feeds.

Adding one saves its address only; `flask sync-feeds` (cron) fetches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.interop.fetch import MAX_BYTES
from community_hub.interop.models import FeedSource
from community_hub.interop.sources import free_key
from community_hub.meetings.models import Fellowship
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.meetings.services import URL_RE, ValidationFailed

__all__ = ["MAX_BYTES", "SubscriptionData", "subscribe", "subscriptions_of", "switch"]


@dataclass
class SubscriptionData:
    name: str
    url: str
    fellowship_id: int | None
    timezone: str = ""


def subscribe(organisation: Organisation, data: SubscriptionData) -> FeedSource:
    """Subscribe an organisation to an outside Meeting Guide feed."""
    errors: dict[str, str] = {}
    name, url, timezone = data.name.strip(), data.url.strip(), data.timezone.strip()
    if not name:
        errors["name"] = "Enter a name for the feed, for example Kansas City Intergroup."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    if not URL_RE.match(url) or len(url) > 500:
        errors["url"] = "Enter the feed's web address, starting https://"
    elif url in {s.url for s in subscriptions_of(organisation)}:
        errors["url"] = "Your organisation already subscribes to this feed."
    fellowship = db.session.get(Fellowship, data.fellowship_id) if data.fellowship_id else None
    if fellowship is None:
        errors["fellowship_id"] = "Choose the fellowship of the feed's meetings."
    if timezone and not is_valid_timezone(timezone):
        errors["timezone"] = (
            f"“{timezone[:64]}” is not a time zone we know. Use a name like America/Chicago."
        )
    if errors:
        raise ValidationFailed(errors)
    source = FeedSource(
        organisation=organisation,
        key=free_key(name),
        name=name,
        url=url,
        fellowship=fellowship,
        timezone=timezone,
    )
    db.session.add(source)
    db.session.flush()
    return source


def switch(source: FeedSource, active: bool) -> None:
    """Stop fetching a feed (its meetings stay, as they are), or start again."""
    source.active = active


def subscriptions_of(organisation: Organisation) -> list[FeedSource]:
    return list(
        db.session.scalars(
            select(FeedSource)
            .where(FeedSource.organisation_id == organisation.id, FeedSource.url != "")
            .order_by(FeedSource.name)
        )
    )
