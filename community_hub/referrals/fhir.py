"""A referral as a FHIR R4 Task, so services can feed referrals to health systems.

Only the pseudonymous reference identifies the client; nothing else about them is included.
"""

from __future__ import annotations

from typing import Any

from community_hub.referrals.models import Referral
from community_hub.referrals.states import fhir_status

SYSTEM = "https://community-hub.example/referral"


def task(referral: Referral) -> dict[str, Any]:
    target: dict[str, Any]
    if referral.meeting_id:
        target = {"reference": f"HealthcareService/meeting-{referral.meeting_id}"}
    elif referral.peer_id:
        target = {"display": "Peer supporter"}
    elif referral.service_id:
        target = {"reference": f"HealthcareService/{referral.service_id}"}
    else:
        target = {"display": referral.group_name}
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"referral-{referral.id}",
        "identifier": [{"system": SYSTEM, "value": str(referral.id)}],
        "status": fhir_status(referral.status, referral.closed_reason),
        "intent": "order",
        "code": {"text": f"Assertive linkage: {referral.link_method.replace('_', ' ')}"},
        "for": {"identifier": {"system": f"{SYSTEM}/client", "value": referral.client.reference}},
        "authoredOn": referral.created_at.isoformat() + "Z",
        "lastModified": referral.updated_at.isoformat() + "Z",
        "owner": {"display": referral.organisation.name},
        "focus": target,
        "businessStatus": {"text": referral.status},
    }
    if referral.closed_reason:
        resource["statusReason"] = {"text": referral.closed_reason.replace("_", " ")}
    if referral.planned_first_meeting:
        resource["restriction"] = {"period": {"start": referral.planned_first_meeting.isoformat()}}
    return resource


def bundle(referrals: list[Referral]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": task(r)} for r in referrals],
    }
