"""What a referral may point at: a public listing (meeting, peer supporter or resource).

A listing the public cannot see (archived, unconsented, hidden, withdrawn) is never a target:
asking for one answers 404, as if it did not exist.
"""

from __future__ import annotations

from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Service

# The kinds of listing treatment staff refer to (an unlisted group is named instead).
KINDS = ("meeting", "peer", "service")


def listed_meeting(meeting_id: int | None) -> Meeting | None:
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    return meeting if meeting is not None and meeting.archived_at is None else None


def listed_peer(peer_id: int | None) -> PeerSupporter | None:
    peer = db.session.get(PeerSupporter, peer_id) if peer_id else None
    return peer if peer is not None and peer.is_public else None


def listed_service(service_id: str | None) -> Service | None:
    service = db.session.get(Service, service_id) if service_id else None
    return service if service is not None and service.is_public else None
