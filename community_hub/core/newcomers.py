"""Plain words for people new to meetings: what Open and Closed mean, and a first meeting.

Written in our own words from what the fellowships say publicly about newcomers. Fellowships are
grouped into kinds by slug; a fellowship not named here reads as a local recovery group.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString

from community_hub.catalogue import lazy_gettext as _l

TWELVE_STEP = "twelve-step"
SMART = "smart"
FAMILY = "family"
LOCAL = "local"

KIND_OF = {
    "aa": TWELVE_STEP, "na": TWELVE_STEP, "ca": TWELVE_STEP, "cma": TWELVE_STEP,
    "ma": TWELVE_STEP, "ga": TWELVE_STEP, "oa": TWELVE_STEP, "ha": TWELVE_STEP,
    "smart": SMART,
    "al-anon": FAMILY, "alateen": FAMILY, "fa": FAMILY, "nar-anon": FAMILY, "gam-anon": FAMILY,
}  # fmt: skip

# "Closed" means: only for people who have the problem the fellowship is about.
CLOSED = {
    "aa": _l("Closed: for anyone who wants to stop drinking."),
    "na": _l("Closed: for anyone who wants to stop using drugs."),
    "ca": _l("Closed: for anyone who wants to stop using cocaine and other drugs."),
    "cma": _l("Closed: for anyone who wants to stop using crystal meth."),
    "ma": _l("Closed: for anyone who wants to stop using cannabis."),
    "ga": _l("Closed: for anyone who wants to stop gambling."),
    "smart": _l("Closed: for people working on their own recovery, not visitors."),
    "al-anon": _l("Closed: for family and friends of someone who drinks."),
    "alateen": _l("Closed: for young people affected by someone else's drinking."),
    "fa": _l("Closed: for family and friends of someone who uses drugs."),
    "nar-anon": _l("Closed: for family and friends of someone who uses drugs."),
    "gam-anon": _l("Closed: for family and friends of someone who gambles."),
}
CLOSED_ANY = _l("Closed: only for people who want help with their own drinking, drugs or gambling.")
OPEN = _l("Open: anyone, including family and friends.")
OPEN_FAMILY = _l("Open: anyone who wants to know about the group, including professionals.")


def kind_of(slug: str) -> str:
    """Which first-meeting guide fits a fellowship."""
    return KIND_OF.get(slug, LOCAL)


def explain_type(code: str, slug: str | None = None) -> str:
    """'Open: anyone, ...' or 'Closed: for anyone who wants to stop drinking.'; '' otherwise."""
    if code == "O":
        return str(OPEN_FAMILY if slug and kind_of(slug) == FAMILY else OPEN)
    if code == "C":
        return str(CLOSED.get(slug or "", CLOSED_ANY))
    return ""


@dataclass(frozen=True)
class Guide:
    title: LazyString
    intro: LazyString
    happens: tuple[LazyString, ...]


ARRIVE = _l(
    "Arrive five or ten minutes early if you can. Someone will usually say hello; it is fine to "
    "say it is your first time, and fine not to."
)
LISTEN = _l(
    "You do not have to speak. You can just listen, and say “I'll just listen today, thanks” if "
    "you are asked. Nobody will make you share, sign anything or give your full name."
)
COST = _l(
    "It costs nothing. A collection may be passed round to pay for the room and tea; you do not "
    "have to give anything."
)
COME_BACK = _l(
    "One meeting can feel strange. Many people try a few different meetings before one feels right."
)

GUIDES: dict[str, Guide] = {
    TWELVE_STEP: Guide(
        title=_l("Your first 12-step meeting"),
        intro=_l(
            "Alcoholics Anonymous, Narcotics Anonymous, Cocaine Anonymous, Gamblers Anonymous and "
            "similar fellowships are groups of people who help each other stay stopped. The only "
            "thing you need is a wish to stop."
        ),
        happens=(
            _l(
                "A member chairs the meeting. They may read a short welcome, then one person tells "
                "their story or a topic is chosen, and others share in turn for a few minutes."
            ),
            _l(
                "People introduce themselves by first name only. What is said in the room stays "
                "in the room."
            ),
            _l(
                "At the end people often stay for a cup of tea. You can ask for a list of phone "
                "numbers or leave straight away."
            ),
        ),
    ),
    SMART: Guide(
        title=_l("Your first SMART Recovery meeting"),
        intro=_l(
            "SMART Recovery meetings help you change drinking, drug use or other habits with "
            "practical tools. They do not ask you to call yourself an addict or an alcoholic."
        ),
        happens=(
            _l(
                "A trained facilitator leads a group of about six to twelve people. Each person "
                "says briefly how their week went."
            ),
            _l(
                "The group then works on one or two things people are finding hard, using simple "
                "tools such as weighing up the costs and benefits of a change."
            ),
            _l(
                "At the end people may say what they plan to try before next time. Some meetings "
                "are for a particular group: the listing says so."
            ),
        ),
    ),
    FAMILY: Guide(
        title=_l("Your first family group meeting"),
        intro=_l(
            "Al-Anon, Alateen, Families Anonymous and similar groups are for people affected by "
            "someone else's drinking, drug use or gambling. The person you worry about does not "
            "need to be in recovery, or to know you are going."
        ),
        happens=(
            _l(
                "Members take turns to share what has helped them cope, with the focus on their "
                "own lives rather than on the person who drinks, uses or gambles."
            ),
            _l(
                "Nobody gives advice or tells you what to do. People use first names only and "
                "keep what they hear private."
            ),
            _l("You may be given leaflets to take away and read when you are ready."),
        ),
    ),
    LOCAL: Guide(
        title=_l("Your first recovery group or café"),
        intro=_l(
            "Local recovery groups and recovery cafés are run by people in recovery for anyone "
            "who wants to make a change, whatever their way of recovery."
        ),
        happens=(
            _l(
                "Each group has its own way of working: some have a chat over a drink, some a "
                "topic or an activity. The listing says what to expect."
            ),
            _l(
                "People on a prescription, people still cutting down and family members are often "
                "welcome. If you are unsure, contact the group or just turn up."
            ),
        ),
    ),
}


def guide(kind: str) -> Guide | None:
    return GUIDES.get(kind)


SHARED = (ARRIVE, LISTEN, COST, COME_BACK)
