"""Words people see for the referral codes stored in the database."""

from __future__ import annotations

from community_hub.catalogue import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "requested": _l("Requested"),
    "matched": _l("Offered to a peer"),
    "accepted": _l("Peer accepted"),
    "introduced": _l("Introduced"),
    "first_meeting_planned": _l("First meeting planned"),
    "attended_first_meeting": _l("Went to a first meeting"),
    "engaged": _l("Engaged"),
    "on_hold": _l("On hold"),
    "closed": _l("Closed"),
}
CLOSED_LABELS = {
    "engaged": _l("Engaged: the link worked"),
    "declined_by_client": _l("The client declined"),
    "lost_to_follow_up": _l("Lost to follow-up"),
    "cancelled": _l("Cancelled"),
    "entered_in_error": _l("Entered in error"),
}
LINK_LABELS = {
    "signpost": _l("Signpost only (give the details)"),
    "in_session_call": _l("Phone call in the session"),
    "warm_handover": _l("Warm handover (introduce them in person or by phone)"),
    "accompanied": _l("Accompanied to the first meeting"),
}
LINK_SHORT_LABELS = {
    "signpost": _l("Signpost"),
    "in_session_call": _l("Call in session"),
    "warm_handover": _l("Warm handover"),
    "accompanied": _l("Accompanied"),
}
PURPOSE_LABELS = {
    "share_with_peer": _l("Share their reference, meeting and time with a peer supporter"),
    "follow_up": _l("Follow-up contact by this service"),
    "outcome_to_referrer": _l("Report the outcome back to the referrer"),
}
CONTACT_LABELS = {
    "phone": _l("Phone call"),
    "text": _l("Text message"),
    "email": _l("Email"),
    "letter": _l("Letter"),
    "in_person": _l("In person"),
}
SUBSTANCE_LABELS = {"drugs": _l("Drugs"), "alcohol": _l("Alcohol"), "both": _l("Both")}
GOAL_LABELS = {
    "abstinence": _l("Abstinence"),
    "medication_assisted": _l("Medication-assisted recovery"),
    "controlled": _l("Reduced or controlled use"),
}
FOLLOW_UP_LABELS = {"due": _l("Due"), "done": _l("Done"), "cancelled": _l("Cancelled")}


def all_labels() -> dict[str, object]:
    """For templates: every label table by name."""
    return {
        "status_labels": STATUS_LABELS,
        "closed_labels": CLOSED_LABELS,
        "link_labels": LINK_LABELS,
        "link_short_labels": LINK_SHORT_LABELS,
        "purpose_labels": PURPOSE_LABELS,
        "contact_labels": CONTACT_LABELS,
        "substance_labels": SUBSTANCE_LABELS,
        "goal_labels": GOAL_LABELS,
        "follow_up_labels": FOLLOW_UP_LABELS,
    }


CONSENT_METHOD_LABELS = {
    "verbal in session": _l("Verbal in session"),
    "written form": _l("Written form"),
    "phone call": _l("Phone call"),
    "online form": _l("Online form"),
}
