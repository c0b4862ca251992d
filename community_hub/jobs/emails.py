"""What each email says. Every function is called in the recipient's language (force_locale).

An email never carries a client's reference or anything about a client beyond what its reader
already may see; the details stay behind the sign-in. Links that grant something (an
invitation, a password reset) are placeholders filled in only when the email is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from community_hub.dates import long_date


@dataclass(frozen=True)
class Email:
    subject: str
    paragraphs: tuple[str, ...]
    action_url: str = ""
    action_label: str = ""


def _site() -> str:
    return str(current_app.config["SITE_NAME"])


def _hello(name: str) -> str:
    return _("Hello %(name)s,", name=name) if name else _("Hello,")


def invitation(
    *, link: str, inviter: str, role: str, organisation: str, hours: int, name: str = ""
) -> Email:
    """An invitation to create an account: the person chooses their own name and password."""
    if inviter and organisation:
        where = _(
            "%(inviter)s has invited you to join %(organisation)s on %(site)s. Your role: "
            "%(role)s.",
            inviter=inviter,
            organisation=organisation,
            site=_site(),
            role=role,
        )
    elif inviter:
        where = _(
            "%(inviter)s has invited you to %(site)s. Your role: %(role)s.",
            inviter=inviter,
            site=_site(),
            role=role,
        )
    else:
        where = _("You are invited to %(site)s. Your role: %(role)s.", site=_site(), role=role)
    return Email(
        subject=_("You are invited to %(site)s", site=_site()),
        paragraphs=(
            _hello(name),
            where,
            _("Use the link below to choose your name and password. It works once, for "
              "%(hours)s hours.", hours=hours),
            _("If you were not expecting this, you can ignore this email: nothing happens "
              "unless the link is used."),
        ),
        action_url=link,
        action_label=_("Accept the invitation"),
    )  # fmt: skip


def password_reset(*, link: str, name: str, minutes: int) -> Email:
    """A link to choose a new password, for someone who asked for one."""
    return Email(
        subject=_("Choose a new password for %(site)s", site=_site()),
        paragraphs=(
            _hello(name),
            _("Someone (we hope you) asked to reset the password of your account on %(site)s.",
              site=_site()),
            _("Use the link below to choose a new password. It works once, for %(minutes)s "
              "minutes. Choosing a new password signs you out on every other device.",
              minutes=minutes),
            _("If you did not ask, ignore this email: your password stays as it is."),
        ),
        action_url=link,
        action_label=_("Choose a new password"),
    )  # fmt: skip


def password_changed(*, name: str, link: str) -> Email:
    """Telling someone their password was changed, in case it was not them."""
    return Email(
        subject=_("Your password for %(site)s was changed", site=_site()),
        paragraphs=(
            _hello(name),
            _("The password of your account on %(site)s has just been changed, and every "
              "other session was signed out.", site=_site()),
            _("If this was not you, reset your password now and tell your coordinator or the "
              "site's administrator."),
        ),
        action_url=link,
        action_label=_("Reset my password"),
    )  # fmt: skip


def check_expiring_volunteer(*, name: str, check: str, expires: date, days_left: int) -> Email:
    """A volunteer's own reminder that a check or training is about to expire."""
    when = long_date(expires)
    return Email(
        subject=_("Your %(check)s expires on %(date)s", check=check, date=when),
        paragraphs=(
            _hello(name),
            _("Your %(check)s expires on %(date)s (%(left)s). Please talk to your coordinator "
              "about renewing it, so your volunteering can carry on without a break.",
              check=check, date=when, left=_days_left(days_left)),
            _("Thank you for everything you do."),
        ),
    )  # fmt: skip


def check_expiring_coordinator(
    *, name: str, volunteer: str, check: str, expires: date, days_left: int, link: str
) -> Email:
    """A coordinator's reminder that a volunteer's check is about to expire."""
    when = long_date(expires)
    return Email(
        subject=_("%(volunteer)s: %(check)s expires on %(date)s",
                  volunteer=volunteer, check=check, date=when),
        paragraphs=(
            _hello(name),
            _("%(volunteer)s's %(check)s expires on %(date)s (%(left)s).",
              volunteer=volunteer, check=check, date=when, left=_days_left(days_left)),
            _("If a renewal has started, mark it as in progress on their page and these "
              "reminders will stop."),
        ),
        action_url=link,
        action_label=_("Open their record"),
    )  # fmt: skip


def _days_left(days: int) -> str:
    if days == 0:
        return _("today")
    return ngettext("in %(num)s day", "in %(num)s days", days)


def supervision_overdue(
    *, name: str, volunteer: str, host: str, due: date, days_late: int, link: str
) -> Email:
    """A coordinator's reminder that a volunteer's supervision is overdue."""
    return Email(
        subject=_("Supervision overdue: %(volunteer)s at %(host)s", volunteer=volunteer,
                  host=host),
        paragraphs=(
            _hello(name),
            ngettext("Supervision for %(volunteer)s at %(host)s was due on %(date)s "
                     "(%(num)s day ago). Please arrange a session and record it.",
                     "Supervision for %(volunteer)s at %(host)s was due on %(date)s "
                     "(%(num)s days ago). Please arrange a session and record it.",
                     days_late, volunteer=volunteer, host=host, date=long_date(due)),
        ),
        action_url=link,
        action_label=_("Open the placement"),
    )  # fmt: skip


def follow_ups_due(*, name: str, due: int, overdue: int, link: str) -> Email:
    """A worker's daily count of follow-ups to make: counts only, never who."""
    parts = []
    if due:
        parts.append(ngettext("%(num)s due today", "%(num)s due today", due))
    if overdue:
        parts.append(ngettext("%(num)s overdue", "%(num)s overdue", overdue))
    summary = _(" and ").join(parts)
    return Email(
        subject=_("Follow-ups: %(summary)s", summary=summary),
        paragraphs=(
            _hello(name),
            _("You have follow-ups to make: %(summary)s.", summary=summary),
            _("Sign in and open the referral desk to see who, and how each client prefers to "
              "be contacted."),
        ),
        action_url=link,
        action_label=_("Open the referral desk"),
    )  # fmt: skip


def contact_request(*, name: str, peer: str, link: str) -> Email:
    """Someone asked to be put in touch with one of the organisation's peers."""
    return Email(
        subject=_("New request to talk to %(peer)s", peer=peer),
        paragraphs=(
            _hello(name),
            _("Someone has asked to be put in touch with %(peer)s. Their details are kept "
              "behind the sign-in: please reply to them soon.", peer=peer),
        ),
        action_url=link,
        action_label=_("See the request"),
    )  # fmt: skip


def change_suggestion(*, name: str, listing: str, link: str) -> Email:
    """Someone suggested a change to one of the organisation's listings."""
    return Email(
        subject=_("Suggested change: %(listing)s", listing=listing),
        paragraphs=(
            _hello(name),
            _("Someone suggested a change to %(listing)s. Please check it and accept or "
              "decline it.", listing=listing),
        ),
        action_url=link,
        action_label=_("Review the suggestion"),
    )  # fmt: skip


def feed_sync_failed(*, name: str, source: str, error: str, link: str) -> Email:
    """A subscribed feed could not be fetched or read: its meetings were left as they were."""
    return Email(
        subject=_("Feed subscription failed: %(source)s", source=source),
        paragraphs=(
            _hello(name),
            _("We could not update the meetings from %(source)s: %(error)s", source=source,
              error=error),
            _("Nothing was changed: its meetings stay as they were until a fetch succeeds. "
              "We try again at the next run and tell you only when it starts failing."),
        ),
        action_url=link,
        action_label=_("See your feed subscriptions"),
    )  # fmt: skip


def volunteering_application(*, name: str, opportunity: str, link: str) -> Email:
    """Someone applied to volunteer through the public volunteering page."""
    return Email(
        subject=_("New volunteering application: %(opportunity)s", opportunity=opportunity),
        paragraphs=(
            _hello(name),
            _("Someone has applied to volunteer (%(opportunity)s). They are waiting to hear "
              "from you: please get in touch soon.", opportunity=opportunity),
        ),
        action_url=link,
        action_label=_("See the application"),
    )  # fmt: skip


def _when(on: date | None) -> str:
    return long_date(on) or _("date to be agreed")


def referral_offer(
    *, name: str, organisation: str, meeting: str, when: date | None, link: str
) -> Email:
    """A peer (or their coordinator) is asked to go with a client: no client reference."""
    return Email(
        subject=_("Could you go with someone to a meeting?"),
        paragraphs=(
            _hello(name),
            _("%(organisation)s asks whether a peer could go with someone to %(meeting)s "
              "(%(when)s).", organisation=organisation, meeting=meeting, when=_when(when)),
            _("Sign in to see the details and accept or decline."),
        ),
        action_url=link,
        action_label=_("See the request"),
    )  # fmt: skip


def offer_declined(
    *, name: str, peer: str, organisation: str, meeting: str, when: date | None, link: str
) -> Email:
    """The worker hears that the peer they asked said no: the referral is back in matching."""
    return Email(
        subject=_("%(peer)s cannot go to %(meeting)s", peer=peer or _("The peer"), meeting=meeting),
        paragraphs=(
            _hello(name),
            _("%(peer)s cannot go with your client to %(meeting)s (%(when)s). The referral is "
              "back with you to offer to another peer, or to make it a warm handover.",
              peer=peer or _("The peer"), meeting=meeting, when=_when(when)),
        ),
        action_url=link,
        action_label=_("Open the referral"),
    )  # fmt: skip


def offer_withdrawn(
    *, name: str, peer: str, organisation: str, meeting: str, when: date | None, link: str
) -> Email:
    """The peer who had said yes can no longer go: the worker must plan again."""
    return Email(
        subject=_("%(peer)s can no longer go to %(meeting)s", peer=peer or _("The peer"),
                  meeting=meeting),
        paragraphs=(
            _hello(name),
            _("%(peer)s had agreed to go with your client to %(meeting)s (%(when)s) but can no "
              "longer go. Their reason is on the referral. The referral is back with you to "
              "offer to another peer, or to make it a warm handover.",
              peer=peer or _("The peer"), meeting=meeting, when=_when(when)),
        ),
        action_url=link,
        action_label=_("Open the referral"),
    )  # fmt: skip


def referral_message(
    *, name: str, organisation: str, meeting: str, when: date | None, link: str
) -> Email:
    """A new message on a referral's thread: the text stays behind the sign-in."""
    return Email(
        subject=_("New message about %(meeting)s", meeting=meeting),
        paragraphs=(
            _hello(name),
            _("There is a new message about going with someone to %(meeting)s (%(when)s). "
              "Sign in to read it and reply.", meeting=meeting, when=_when(when)),
        ),
        action_url=link,
        action_label=_("Read the message"),
    )  # fmt: skip


def peer_reminder(
    *, name: str, organisation: str, meeting: str, when: date | None, at: str, link: str
) -> Email:
    """The day before: the peer is going with someone to a meeting tomorrow."""
    return Email(
        subject=_("Tomorrow: %(meeting)s at %(time)s", meeting=meeting, time=at),
        paragraphs=(
            _hello(name),
            _("A reminder that you are going with someone to %(meeting)s tomorrow, %(when)s, at "
              "%(time)s.", meeting=meeting, when=_when(when), time=at),
            _("The meeting point, how to reach %(organisation)s and the calendar entry are on "
              "the request. If you can no longer go, say so there as soon as you can.",
              organisation=organisation),
            _("Thank you for going."),
        ),
        action_url=link,
        action_label=_("See the plan"),
    )  # fmt: skip


def outcome_summary(
    *, name: str, number: int, made_on: date, method: str, status: str, closed_reason: str,
    first_meeting: date | None, weekly: list[tuple[int, bool]], scores: list[tuple[int, int]],
    link: str,
) -> Email:  # fmt: skip
    """An outcome summary of one referral for its referring organisation: no client reference."""
    from community_hub.referrals.labels import CLOSED_LABELS, LINK_LABELS, STATUS_LABELS
    from community_hub.referrals.recovery_capital import point_label

    state = str(STATUS_LABELS.get(status, status))
    if closed_reason:
        state += f": {CLOSED_LABELS.get(closed_reason, closed_reason)}"
    lines = [
        _("Referred on %(date)s: %(method)s.", date=long_date(made_on),
          method=str(LINK_LABELS.get(method, method)).lower()),
        _("Now: %(status)s.", status=state),
        _("Went to a first meeting on %(date)s.", date=long_date(first_meeting))
        if first_meeting else _("No first meeting recorded yet."),
    ]  # fmt: skip
    for day, yes in weekly:
        lines.append(
            _("Going every week at %(n)d days.", n=day)
            if yes
            else _("Not going every week at %(n)d days.", n=day)
        )
    if scores:
        each = "; ".join(f"{point_label(point).lower()} {total}" for point, total in scores)
        lines.append(_("Recovery capital (BARC-10, 10 to 60): %(scores)s.", scores=each))
    return Email(
        subject=_("Outcome of referral %(number)s", number=number),
        paragraphs=(
            _hello(name),
            _("The client agreed that the outcome of referral %(number)s is reported back to "
              "you. So far:", number=number),
            *(f"• {line}" for line in lines),
            _("The client's details stay behind the sign-in."),
        ),
        action_url=link,
        action_label=_("Open the referral"),
    )  # fmt: skip


def digest(*, name: str, subjects: list[str], link: str) -> Email:
    """The day's notifications for someone who chose one email a day."""
    count = len(subjects)
    return Email(
        subject=ngettext("%(site)s: %(num)s update today", "%(site)s: %(num)s updates today",
                         count, site=_site()),
        paragraphs=(
            _hello(name),
            _("Here is what happened since your last summary:"),
            *(f"• {subject}" for subject in subjects),
        ),
        action_url=link,
        action_label=_("Sign in"),
    )  # fmt: skip
