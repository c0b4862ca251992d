"""Every feature's models, imported together so Alembic and create_all see the whole schema."""

from community_hub.accounts import models as account_models
from community_hub.areas import models as area_models
from community_hub.auth import models as auth_models
from community_hub.geo import postcodes as postcode_models
from community_hub.interop import models as interop_models
from community_hub.jobs import models as job_models
from community_hub.listings import models as listing_models
from community_hub.meetings import models as meeting_models
from community_hub.meetings import one_offs
from community_hub.people import models as people_models
from community_hub.referrals import models as referral_models
from community_hub.resources import models as resource_models
from community_hub.volunteering import models as volunteering_models
from community_hub.volunteers import (
    course_models,
    placement_models,
    requirement_models,
)
from community_hub.volunteers import models as volunteer_models

__all__ = [
    "account_models",
    "area_models",
    "auth_models",
    "course_models",
    "interop_models",
    "job_models",
    "listing_models",
    "meeting_models",
    "one_offs",
    "people_models",
    "placement_models",
    "postcode_models",
    "referral_models",
    "requirement_models",
    "resource_models",
    "volunteer_models",
    "volunteering_models",
]

# Last, once every model is mapped: the change history watches the listings' columns.
from community_hub.listings import history  # noqa: F401
from community_hub.people import codes  # noqa: F401 - keeps matching's peer codes
from community_hub.volunteers import cleared_until  # noqa: F401 - keeps the stored clearance
