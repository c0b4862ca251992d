"""Referrals as FHIR R4 (the HL7 Gravity SDOH referral pattern): a `ServiceRequest` (what is
asked), a `Task` (where it stands, closing the loop), the client's `Consent`s, and each BARC-10
as a `QuestionnaireResponse` against the `Questionnaire` we publish.

Every resource is built through the `fhir.resources` R4 (4.0.1) models, which refuse a missing
required element or an unknown one, and every code is checked against its value set
(`validated`), so what leaves here is valid R4. Only the pseudonymous reference identifies the
client; no note, message or meeting point is exported.

Task.status keeps the mapping of our states in `states.FHIR_STATUS` / `FHIR_CLOSED`;
ServiceRequest.status is the coarser request status in `REQUEST_STATUS` below.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fhir.resources.bundle import Bundle
from fhir.resources.consent import Consent as FhirConsent
from fhir.resources.core.fhirabstractmodel import FHIRAbstractModel
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from fhir.resources.servicerequest import ServiceRequest
from fhir.resources.task import Task

from community_hub.referrals import recovery_capital
from community_hub.referrals.models import Consent, RecoveryCapital, Referral
from community_hub.referrals.states import ClosedReason, Status, fhir_status
from community_hub.urls import site_url

SYSTEM = "https://community-hub.example/referral"
CLIENT_SYSTEM = f"{SYSTEM}/client"
PURPOSE_SYSTEM = f"{SYSTEM}/consent-purpose"
ANSWER_SYSTEM = f"{SYSTEM}/barc-10-answer"

# ServiceRequest.status (request-status) for each of our states; closed depends on why.
REQUEST_STATUS = {s.value: "active" for s in Status} | {
    Status.DRAFT.value: "draft",
    Status.ON_HOLD.value: "on-hold",
}
REQUEST_CLOSED = {
    ClosedReason.ENGAGED.value: "completed",
    ClosedReason.DECLINED_BY_CLIENT.value: "revoked",
    ClosedReason.LOST_TO_FOLLOW_UP.value: "revoked",
    ClosedReason.CANCELLED.value: "revoked",
    ClosedReason.ENTERED_IN_ERROR.value: "entered-in-error",
}


# The library shortens a few required value sets to their first codes and "+": the R4 sets
# in full (https://hl7.org/fhir/R4/valueset-task-status.html, valueset-item-type.html).
FULL_VALUE_SETS = {
    ("Task", "status"): (
        "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
        "in-progress", "on-hold", "failed", "completed", "entered-in-error",
    ),
    ("QuestionnaireItem", "type"): (
        "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
        "string", "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
    ),
}  # fmt: skip


def _unknown_codes(model: FHIRAbstractModel, path: str = "") -> list[str]:
    """Codes outside their element's value set, anywhere in a resource."""
    found = []
    for name, spec in model.__fields__.items():
        value = getattr(model, name, None)
        if value is None:
            continue
        allowed = spec.field_info.extra.get("enum_values")
        if allowed and "+" in allowed:
            allowed = FULL_VALUE_SETS.get((type(model).__name__, name), ())
        if allowed and isinstance(value, str) and value not in allowed:
            found.append(f"{path}{name}={value}")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, FHIRAbstractModel):
                found += _unknown_codes(item, f"{path}{name}.")
    return found


def validated(model: type[FHIRAbstractModel], data: dict[str, Any]) -> dict[str, Any]:
    """The resource as JSON, once the R4 model accepts it and every code is in its value set."""
    resource = model.parse_obj(data)
    unknown = _unknown_codes(resource)
    if unknown:
        raise ValueError(f"{data.get('resourceType')}: codes not in R4: {', '.join(unknown)}")
    result: dict[str, Any] = json.loads(resource.json())
    return result


def _client(referral: Referral) -> dict[str, Any]:
    return {
        "type": "Patient",
        "identifier": {"system": CLIENT_SYSTEM, "value": referral.client.reference},
    }


def _target(referral: Referral) -> dict[str, Any]:
    if referral.meeting_id:
        return {"reference": f"HealthcareService/meeting-{referral.meeting_id}"}
    if referral.peer_id:
        return {"display": "Peer supporter"}
    if referral.service_id:
        return {"reference": f"HealthcareService/{referral.service_id}"}
    return {"display": referral.group_name or "Mutual aid group"}


def _instant(moment: Any) -> str:
    return str(moment.replace(microsecond=0).isoformat()) + "Z"


def service_request(referral: Referral) -> dict[str, Any]:
    status = (
        REQUEST_CLOSED[referral.closed_reason]
        if referral.status == Status.CLOSED.value
        else REQUEST_STATUS[referral.status]
    )
    data: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": f"referral-{referral.id}",
        "identifier": [{"system": SYSTEM, "value": str(referral.id)}],
        "status": status,
        "intent": "order",
        "code": {"text": f"Assertive linkage: {referral.link_method.replace('_', ' ')}"},
        "subject": _client(referral),
        "authoredOn": _instant(referral.created_at),
        "requester": {"display": referral.organisation.name},
        "performer": [_target(referral)],
    }
    if referral.planned_first_meeting:
        data["occurrenceDateTime"] = referral.planned_first_meeting.isoformat()
    return validated(ServiceRequest, data)


def task(referral: Referral) -> dict[str, Any]:
    """The referral's Task: its status mapped from ours (states.FHIR_STATUS)."""
    data: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"referral-{referral.id}",
        "identifier": [{"system": SYSTEM, "value": str(referral.id)}],
        "basedOn": [{"reference": f"ServiceRequest/referral-{referral.id}"}],
        "status": fhir_status(referral.status, referral.closed_reason),
        "intent": "order",
        "code": {"text": f"Assertive linkage: {referral.link_method.replace('_', ' ')}"},
        "focus": {"reference": f"ServiceRequest/referral-{referral.id}"},
        "for": _client(referral),
        "authoredOn": _instant(referral.created_at),
        "lastModified": _instant(referral.updated_at),
        "owner": {"display": referral.organisation.name},
        "businessStatus": {"text": referral.status},
    }
    if referral.closed_reason:
        data["statusReason"] = {"text": referral.closed_reason.replace("_", " ")}
    if referral.planned_first_meeting:
        data["restriction"] = {"period": {"start": referral.planned_first_meeting.isoformat()}}
    return validated(Task, data)


def consent(given: Consent, referral: Referral, today: date) -> dict[str, Any]:
    period: dict[str, str] = {"start": given.given_on.isoformat()}
    ended = given.withdrawn_on or given.expires_on
    if ended is not None:
        period["end"] = ended.isoformat()
    data = {
        "resourceType": "Consent",
        "id": f"consent-{given.id}",
        "status": "active" if given.current_on(today) else "inactive",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": _client(referral),
        "dateTime": given.given_on.isoformat(),
        "organization": [{"display": referral.organisation.name}],
        "policyRule": {"text": given.purpose.replace("_", " ")},
        "provision": {
            "type": "permit",
            "period": period,
            "purpose": [{"system": PURPOSE_SYSTEM, "code": given.purpose}],
        },
    }
    return validated(FhirConsent, data)


def questionnaire_url() -> str:
    return site_url("referrals.barc10_questionnaire")


def barc10_questionnaire() -> dict[str, Any]:
    """BARC-10 as a Questionnaire: ten choice items answered 1 to 6, and the total."""
    options = [
        {"valueCoding": {"system": ANSWER_SYSTEM, "code": str(value), "display": str(label)}}
        for value, label in recovery_capital.ANSWERS
    ]
    items: list[dict[str, Any]] = [
        {"linkId": str(n), "text": str(text), "type": "choice", "required": True,
         "answerOption": options}
        for n, text in enumerate(recovery_capital.ITEMS, start=1)
    ]  # fmt: skip
    items.append(
        {"linkId": "total", "text": "Total (10 to 60)", "type": "integer", "readOnly": True}
    )
    data = {
        "resourceType": "Questionnaire",
        "id": "barc-10",
        "url": questionnaire_url(),
        "name": "BARC10",
        "title": "Brief Assessment of Recovery Capital (BARC-10)",
        "status": "active",
        "subjectType": ["Patient"],
        "description": "Vilsaint et al., Drug and Alcohol Dependence 2017;177:71-76. Free to use.",
        "item": items,
    }
    return validated(Questionnaire, data)


def questionnaire_response(scores: RecoveryCapital, referral: Referral) -> dict[str, Any]:
    labels = dict(recovery_capital.ANSWERS)
    items: list[dict[str, Any]] = [
        {"linkId": str(n), "answer": [{"valueCoding": {
            "system": ANSWER_SYSTEM, "code": str(value), "display": str(labels[value])}}]}
        for n, value in enumerate(scores.items, start=1)
        if value is not None  # erased answers (subject.erase) are left out
    ]  # fmt: skip
    items.append({"linkId": "total", "answer": [{"valueInteger": scores.total}]})
    data = {
        "resourceType": "QuestionnaireResponse",
        "id": f"barc-10-{scores.id}",
        "questionnaire": questionnaire_url(),
        "basedOn": [{"reference": f"ServiceRequest/referral-{referral.id}"}],
        "status": "completed",
        "subject": _client(referral),
        "authored": scores.taken_on.isoformat(),
        "item": items,
    }
    return validated(QuestionnaireResponse, data)


def referral_bundle(referrals: list[Referral], today: date | None = None) -> dict[str, Any]:
    """A collection Bundle: each referral's request, task, answers, and its client's consents."""
    day = today or date.today()
    entries: list[dict[str, Any]] = []
    consents_seen: set[int] = set()
    for referral in referrals:
        entries += [{"resource": service_request(referral)}, {"resource": task(referral)}]
        for given in referral.client.consents:
            if given.id not in consents_seen:
                consents_seen.add(given.id)
                entries.append({"resource": consent(given, referral, day)})
        for scores in recovery_capital.taken(referral):
            entries.append({"resource": questionnaire_response(scores, referral)})
    return validated(Bundle, {"resourceType": "Bundle", "type": "collection", "entry": entries})
