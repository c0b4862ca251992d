"""A real gunicorn serving the app to many concurrent clients, and a ledger of what it answered.

The load and crash tests share it: `prepared_database` makes a schema, an organisation with
16 workers and a meeting; `Gunicorn` runs the server in its own process group (so kill -9
reaches the master and every worker); `Desk` is one worker's browser, signing in and making
referral journeys through the real forms with CSRF on; `Ledger` records every write the server
acknowledged; `harness_checks.problems` checks the database holds each of them exactly once and
nothing half written.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import requests

from tests.conftest import PASSWORD, throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 16
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FOLLOW_UP_RE = re.compile(r'href="/referrals/follow-ups/(\d+)"')
REFERRAL_RE = re.compile(r"/referrals/(\d+)$")


# ---- databases -------------------------------------------------------------------------------


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A new, empty database of this kind: a SQLite file, or a throwaway PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'hub.sqlite3'}"
        return
    with throwaway_postgres("community_hub_load") as url:
        yield url


@dataclass
class Setup:
    meeting_id: int
    emails: list[str]


def prepared_database(url: str, clients: int = CLIENTS) -> Setup:
    """Tables, a treatment service with one worker per client, and a meeting to refer to."""
    from community_hub import create_app
    from community_hub.auth.models import Organisation
    from community_hub.auth.services import create_user
    from community_hub.extensions import db
    from community_hub.meetings.models import Fellowship, Meeting, Venue

    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "setup", "DATABASE_URL": url})
    with app.app_context():
        db.create_all()
        org = Organisation(name="Load Treatment", slug="load", kind="treatment")
        venue = Venue(
            name="Hall", address="1 High Street", city="Doncaster", postcode="DN1 1AA",
            latitude=53.52, longitude=-1.13, timezone="Europe/London",
        )  # fmt: skip
        fellowship = Fellowship(slug="aa", name="Alcoholics Anonymous", short_name="AA")
        meeting = Meeting(
            name="Hope Group", slug="hope-group", venue=venue, fellowship=fellowship,
            organisation=org, day=1, start_time=clock(19, 30), end_time=clock(20, 30),
            timezone="Europe/London", last_confirmed=date.today(),
        )  # fmt: skip
        meeting.type_list = ["O"]
        db.session.add_all([org, venue, fellowship, meeting])
        db.session.flush()
        emails = [f"load-worker-{n}@example.org" for n in range(clients)]
        for n, email in enumerate(emails):
            create_user(email, PASSWORD, "worker", f"Load worker {n}", org)
        db.session.commit()
        setup = Setup(meeting.id, emails)
        db.session.remove()
        db.engine.dispose()
    return setup


# ---- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _has_control_socket() -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


class Gunicorn:
    """gunicorn serving wsgi:app as in production (CSRF on, a real key), logs kept in files."""

    def __init__(self, database_url: str, logs: Path, workers: int = 4):
        self.database_url = database_url
        self.logs = logs
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(32)
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 30) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "DATABASE_", "REDIS_"))
        }
        env.update(
            APP_ENV="production",
            SITE_URL="https://hub.example.org",
            SECRET_KEY=self.secret,
            DATABASE_URL=self.database_url,
            # Plain http on the loopback: cookies must not be Secure-only for the clients.
            FLASK_SESSION_COOKIE_SECURE="false",
            # 16 people signing in from one address within a minute is this test, not an attack.
            LOGIN_RATE_LIMIT="1000 per minute",
        )
        command = [
            sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app",
            "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
            "--access-logfile", str(self.logs / "access.log"),
            "--error-logfile", str(self.logs / "error.log"),
            "--log-level", "info", "--timeout", "60", "--graceful-timeout", "5",
        ]  # fmt: skip
        if _has_control_socket():
            # gunicorn 25+ opens a control socket at one path per user: not for throwaway servers.
            command.append("--no-control-socket")
        output = open(self.logs / f"output-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for kill -9 of all of it
        )  # fmt: skip
        output.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def kill(self) -> None:
        """kill -9 the master and every worker at once, as a power cut or OOM killer would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Shut down cleanly (SIGTERM), or kill if it will not go."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        """Everything the server wrote: access log, error log, and its own stdout and stderr."""
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.logs.glob("*.log"))
        )


@contextmanager
def running(database_url: str, logs: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(database_url, logs)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ---- the clients -----------------------------------------------------------------------------


@dataclass
class Ledger:
    """What each client sent and what the server acknowledged (thread-safe appends)."""

    referrals: dict[str, int] = field(default_factory=dict)  # reference -> referral id
    sent: list[str] = field(default_factory=list)  # every reference posted, answered or not
    moved: list[int] = field(default_factory=list)  # referral ids moved to first meeting planned
    followed_up: dict[int, str] = field(default_factory=dict)  # follow-up id -> barriers text
    attempts: Counter[int] = field(default_factory=Counter)  # follow-up id -> attempts logged
    attempts_sent: Counter[int] = field(default_factory=Counter)
    refused: Counter[int] = field(default_factory=Counter)  # unexpected status codes
    unanswered: int = 0  # requests cut off by a crash
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def writes(self) -> int:
        return len(self.referrals) + len(self.moved) + len(self.followed_up) + self.attempts.total()


def note_for(reference: str) -> str:
    return f"Side door please {reference}"


def barriers_for(reference: str) -> str:
    return f"Buses late {reference}"


def next_monday() -> date:
    """The load meeting's next date (it meets on Mondays): a planned date must be one."""
    day = date.today() + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return day


class Desk:
    """One worker at their desk: signs in, then refers clients and follows them up."""

    def __init__(self, base_url: str, email: str, meeting_id: int, ledger: Ledger, tag: str):
        self.base = base_url
        self.email = email
        self.meeting_id = meeting_id
        self.ledger = ledger
        self.tag = tag
        self.http = requests.Session()
        self.token = ""

    def _ok(self, response: requests.Response) -> str | None:
        """The redirect target of an acknowledged form post, else None (counted)."""
        if response.status_code == 302:
            return response.headers["Location"]
        with self.ledger.lock:
            self.ledger.refused[response.status_code] += 1
        return None

    def sign_in(self) -> None:
        page = self.http.get(f"{self.base}/login", timeout=30).text
        token = CSRF_RE.search(page)
        assert token, "the sign-in page carries a CSRF token"
        self.http.post(
            f"{self.base}/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": token.group(1)},
            timeout=30,
        ).raise_for_status()
        form = self.http.get(
            f"{self.base}/referrals/new", params={"meeting_id": self.meeting_id}, timeout=30
        )
        assert form.status_code == 200, f"{self.email} cannot open the referral form"
        found = CSRF_RE.search(form.text)
        assert found
        self.token = found.group(1)

    def journey(self, n: int) -> None:
        """Refer a client, plan the first meeting, try to reach them twice, record the follow-up."""
        reference = f"LOAD-{self.tag}-{n}"
        with self.ledger.lock:
            self.ledger.sent.append(reference)
        post = self.http.post(
            f"{self.base}/referrals/new",
            data={
                "csrf_token": self.token, "meeting_id": str(self.meeting_id),
                "reference": reference, "link_method": "signpost", "made_by": "worker",
                "planned_first_meeting": next_monday().isoformat(),
                "consent_follow_up": "y", "consent_method": "verbal in session",
                "preferred_contact": "phone", "gender": f"Gender {reference}",
                "note": note_for(reference),
            },
            allow_redirects=False, timeout=60,
        )  # fmt: skip
        location = self._ok(post)
        found = REFERRAL_RE.search(location or "")
        if not found:
            return
        referral_id = int(found.group(1))
        with self.ledger.lock:
            self.ledger.referrals[reference] = referral_id
        url = f"{self.base}/referrals/{referral_id}"
        moved = self.http.post(
            f"{url}/move",
            data={"csrf_token": self.token, "to": "first_meeting_planned"},
            allow_redirects=False,
            timeout=60,
        )
        if self._ok(moved) is None:
            return
        with self.ledger.lock:
            self.ledger.moved.append(referral_id)
        # Reading the page also shows (and so clears) the flashed messages kept in the cookie.
        follow_up = FOLLOW_UP_RE.search(self.http.get(url, timeout=60).text)
        assert follow_up, "planning the first meeting schedules follow-ups"
        follow_up_id = int(follow_up.group(1))
        for reached in (False, True):
            with self.ledger.lock:
                self.ledger.attempts_sent[follow_up_id] += 1
            attempt = self.http.post(
                f"{self.base}/referrals/follow-ups/{follow_up_id}/attempts",
                data={
                    "attempt-csrf_token": self.token, "attempt-method": "phone",
                    **({"attempt-reached": "y"} if reached else {}),
                },
                allow_redirects=False, timeout=60,
            )  # fmt: skip
            if self._ok(attempt) is None:
                return
            with self.ledger.lock:
                self.ledger.attempts[follow_up_id] += 1
        barriers = barriers_for(reference)
        recorded = self.http.post(
            f"{self.base}/referrals/follow-ups/{follow_up_id}",
            data={
                "csrf_token": self.token, "attended_first_meeting": "yes",
                "attending_weekly": "yes", "satisfaction": "4", "barriers": barriers,
            },
            allow_redirects=False, timeout=60,
        )  # fmt: skip
        if self._ok(recorded) is not None:
            with self.ledger.lock:
                self.ledger.followed_up[follow_up_id] = barriers


def drive(
    base_url: str,
    setup: Setup,
    journeys: int,
    ledger: Ledger,
    tag: str = "",
    stop: threading.Event | None = None,
) -> list[BaseException]:
    """Every worker makes `journeys` referral journeys at once; returns what went wrong."""
    errors: list[BaseException] = []

    def run(n: int, email: str) -> None:
        desk = Desk(base_url, email, setup.meeting_id, ledger, f"{tag}{n}")
        try:
            desk.sign_in()
            for j in range(journeys):
                if stop is not None and stop.is_set():
                    return
                desk.journey(j)
        except requests.RequestException as error:  # expected only once the server is killed
            if stop is None or not stop.is_set():
                errors.append(error)
            with ledger.lock:
                ledger.unanswered += 1
        except BaseException as error:  # reported by the test, not lost in a thread
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(n, email), daemon=True)
        for n, email in enumerate(setup.emails)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors
