"""The names of resource categories in the reader's language (the stored term is English)."""

from __future__ import annotations

from community_hub.catalogue import lazy_gettext as _l

CATEGORY_NAMES = {
    "recovery_cafe": _l("Recovery café"),
    "drop_in": _l("Drop-in"),
    "sober_living": _l("Recovery housing"),
    "education_training_employment": _l("Education, training and work"),
    "family_support": _l("Family support"),
    "social_enterprise": _l("Social enterprise"),
    "mutual_aid_venue": _l("Mutual-aid-friendly venue"),
}

# Sentences coordinators commonly use for who is welcome, so readers of Welsh see them in Welsh;
# anything else is shown as written (coordinators write their own Welsh description).
PATHWAYS_WELCOME = {
    "People on a prescription (methadone, buprenorphine) welcome. Alcohol and drugs alike.": _l(
        "People on a prescription (methadone, buprenorphine) welcome. Alcohol and drugs alike."
    ),
    "Every recovery pathway welcome: abstinence, moderation or medication-assisted.": _l(
        "Every recovery pathway welcome: abstinence, moderation or medication-assisted."
    ),
    "An abstinent house; prescribed medication is discussed individually.": _l(
        "An abstinent house; prescribed medication is discussed individually."
    ),
    "Abstinent houses; prescribed medication is discussed individually.": _l(
        "Abstinent houses; prescribed medication is discussed individually."
    ),
    "Abstinent homes.": _l("Abstinent homes."),
}
