"""The spreadsheets the volunteer import tests read, and the programme they import into."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.volunteers.requirement_models import RequirementKind
from tests.volunteers.factories import TODAY

DBS_DAY = TODAY - timedelta(days=400)
REF_DAY = TODAY - timedelta(days=30)
HEADER = (
    "first_name,stage,email,phone,contact_preference,languages,availability,"
    "check:dbs,dbs_level:dbs,certificate:dbs,check:references,expires:references"
)
GOOD = (
    f"{HEADER}\n"
    f"Amira,Active volunteer,amira@example.org,,email,en cy,Weekday evenings,"
    f"{DBS_DAY.isoformat()},enhanced,001234567890,{REF_DAY:%d/%m/%Y},\n"
    f"Bryn,peer_mentor,,07700 900123,phone,,,,,,{REF_DAY.isoformat()},"
    f"{(REF_DAY + timedelta(days=100)).isoformat()}\n"
)


@pytest.fixture
def group(programme, make_requirement):
    """The programme with a DBS check (3 years) and references (never expire)."""
    make_requirement("dbs")
    make_requirement("references", kind=RequirementKind.REFERENCES.value, validity=None)
    db.session.commit()
    return programme


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0
