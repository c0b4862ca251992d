"""Joining links feed readers show: the conference hosts the Meeting Guide app recognises.

The list is the one the spec's notes point to (TSML's `$tsml_conference_providers`, which
"matches Meeting Guide app"); a link on any other host is saved and shown on our own pages,
but readers such as the Meeting Guide app leave it out, so the meeting form warns.
"""

from __future__ import annotations

from urllib.parse import urlsplit

KNOWN_HOSTS = {
    "bluejeans.com": "Bluejeans",
    "discord.gg": "Discord",
    "freeconference.com": "Free Conference",
    "freeconferencecall.com": "FreeConferenceCall",
    "goto.com": "GoTo",
    "gotomeet.me": "GoTo",
    "gotomeeting.com": "GoTo",
    "horizon.meta.com": "Virtual Reality",
    "maps.secondlife.com": "Virtual Reality",
    "meet.google.com": "Google Meet",
    "meet.jit.si": "Jitsi",
    "meetings.dialpad.com": "Dialpad",
    "signal.group": "Signal",
    "skype.com": "Skype",
    "slurl.com": "Virtual Reality",
    "teams.live.com": "Teams",
    "teams.microsoft.com": "Teams",
    "vrchat.com": "Virtual Reality",
    "webex.com": "WebEx",
    "zoho.com": "Zoho",
    "zoom.us": "Zoom",
}


def host_of(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def recognised(url: str) -> bool:
    """Whether feed readers show this joining link: a known host or one of its sub-hosts."""
    host = host_of(url)
    return any(host == known or host.endswith("." + known) for known in KNOWN_HOSTS)


def provider(url: str) -> str:
    """'Zoom' for a Zoom link; '' for a host readers do not know."""
    host = host_of(url)
    for known, name in KNOWN_HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return ""
