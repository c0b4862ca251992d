"""Backups: the whole database to one file and back.

SQLite uses its online backup API (a consistent copy while the app runs); PostgreSQL uses
pg_dump's custom format and pg_restore, found on PATH. Backup files hold special-category
data, so they are created readable by their owner only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import URL

from community_hub.extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backend: str  # "sqlite" or "postgresql"
    size_bytes: int


def database_label() -> str:
    """The configured database, for messages (never with its password)."""
    return db.engine.url.render_as_string(hide_password=True)


def backup_database(path: str | os.PathLike[str]) -> BackupResult:
    """Copy the whole configured database to a new file at path."""
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} already exists. Choose a new file name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    backend = _backend()
    try:
        with _create_private(partial) as handle:
            if backend == "postgresql":
                _pg_dump(handle)
        if backend == "sqlite":
            _sqlite_backup(partial)
        partial.replace(target)  # only a complete backup gets the real name
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, backend, target.stat().st_size)


def restore_database(path: str | os.PathLike[str]) -> str:
    """Replace everything in the configured database with a backup; returns the backend."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    backend = _backend()
    db.session.remove()  # no open transaction of ours may hold locks during the restore
    if backend == "sqlite":
        _sqlite_restore(source)
    else:
        db.engine.dispose()
        _pg_restore(source)
        db.engine.dispose()  # pooled connections may point at dropped tables
    return backend


def _backend() -> str:
    name = db.engine.url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def _create_private(path: Path) -> BinaryIO:
    """Create a new file readable and writable by its owner only (mode 0600)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


# ---- SQLite ----------------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> None:
    raw = db.engine.raw_connection()
    destination = sqlite3.connect(target)
    try:
        raw.driver_connection.backup(destination)  # type: ignore[union-attr]
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite backup failed: {error}") from error
    finally:
        destination.close()
        raw.close()


def _sqlite_restore(source: Path) -> None:
    _check_sqlite_backup(source)
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        origin.backup(raw.driver_connection)  # type: ignore[arg-type]
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite restore failed: {error}") from error
    finally:
        raw.close()
        origin.close()


def _check_sqlite_backup(source: Path) -> None:
    """Refuse anything but an intact SQLite file holding this application's tables."""
    with open(source, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{source} is not a SQLite backup.")
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        check = connection.execute("PRAGMA quick_check").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is damaged: {error}") from error
    finally:
        connection.close()
    if check != ("ok",):
        raise BackupError(f"{source} is damaged: {check[0] if check else 'unreadable'}")
    if not {"user", "organisation"} <= tables:
        raise BackupError(f"{source} is not a backup of this application.")


# ---- PostgreSQL ------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools of the "
            "server's major version (Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where ps shows it
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], stdout: BinaryIO | None = None) -> None:
    # A fixed argument list and the absolute path found by _tool(); no shell is involved.
    completed = subprocess.run(  # noqa: S603  # nosec B603
        command,
        env=env,
        stdout=stdout if stdout is not None else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    if completed.returncode != 0:
        detail = completed.stderr.decode(errors="replace").strip().splitlines()[-3:]
        name = os.path.basename(command[0])
        raise BackupError(f"{name} failed: " + " / ".join(detail or ["no message"]))


def _pg_dump(handle: BinaryIO) -> None:
    uri, env = _libpq(db.engine.url)
    _run([_tool("pg_dump"), "--format=custom", "--dbname", uri], env, stdout=handle)


def _pg_restore(source: Path) -> None:
    pg_restore = _tool("pg_restore")
    uri, env = _libpq(db.engine.url)
    # Read the archive's table of contents first: a wrong file fails before anything is dropped.
    _run([pg_restore, "--list", str(source)], env)
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing: a failed restore leaves the old data
            "--exit-on-error",
            "--dbname",
            uri,
            str(source),
        ],
        env,
    )
