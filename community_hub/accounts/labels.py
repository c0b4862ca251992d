"""Names of roles and organisation kinds as people read them."""

from __future__ import annotations

from community_hub.auth.models import OrganisationKind, Role
from community_hub.catalogue import lazy_gettext as _l

ROLE_LABELS = {
    Role.ADMIN: _l("Site administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.WORKER: _l("Treatment worker"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.COMMISSIONER: _l("Commissioner"),
}
KIND_LABELS = {
    OrganisationKind.PEER_GROUP: _l("Peer-led group"),
    OrganisationKind.TREATMENT: _l("Treatment service"),
    OrganisationKind.FELLOWSHIP: _l("Listing body (intergroup or area)"),
    OrganisationKind.COMMUNITY: _l("Host organisation"),
    OrganisationKind.COMMISSIONER: _l("Commissioner"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(Role(role), role)) if role in set(Role) else role


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[OrganisationKind(kind)]) if kind in set(OrganisationKind) else kind
