"""Staff accounts, sessions and API tokens for the team inbox.

Passwords are hashed with scrypt (stdlib) and a random salt; sessions and API tokens are random
and only their SHA-256 is stored, so a copy of the database opens nothing. After MAX_FAILED wrong
passwords an account is locked for LOCK_MINUTES, whatever is typed next."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

from sqlalchemy import delete, select

from bot import db
from bot.handoff import inbox
from bot.handoff.models import ApiToken, Staff, StaffSession
from bot.handoff.store import utcnow
from bot.regional_data import LocalTeam
from bot.settings import ROOT

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD_CHARS = 12
MAX_FAILED = 5
LOCK_MINUTES = 15
SESSION_HOURS = 8  # at most, from login
IDLE_MINUTES = 30  # a session not used this long ends (a shared desk, a laptop left open)
DEMO_MUNICIPALITIES = ("Leiden", "Katwijk")
DEMO_FILE = ROOT / "var" / "demo-inbox-accounts.txt"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex().encode(), digest.encode())


@functools.lru_cache(maxsize=1)
def _no_account_hash() -> str:
    """Checked against when there is no (usable) account, so every login attempt takes as long."""
    return hash_password(secrets.token_urlsafe(16))


def same_token(given: object, expected: str) -> bool:
    """Constant-time comparison of a token from a request (any text, also non-ASCII)."""
    return bool(expected) and hmac.compare_digest(str(given).encode(), expected.encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def team_exists(url: str, team_name: str) -> bool:
    with db.sessions(url)() as session:
        return session.execute(select(LocalTeam.name).where(LocalTeam.name == team_name)).first() is not None


def add_staff(url: str, username: str, team_name: str, display_name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if not team_exists(url, team_name):
        raise ValueError(f"no local team named {team_name!r}")
    with db.sessions(url)() as session, session.begin():
        if session.execute(select(Staff.id).where(Staff.username == username)).first():
            raise ValueError(f"the username {username!r} is taken")
        session.add(
            Staff(
                username=username,
                team_name=team_name,
                display_name=display_name,
                password_hash=hash_password(password),
                failed_logins=0,
                active=True,
                created_at=utcnow(),
            )
        )


@dataclass
class Member:
    id: int
    username: str
    display_name: str
    team_name: str


@dataclass
class LoginResult:
    member: Optional[Member] = None
    token: Optional[str] = None
    locked: bool = False


def login(url: str, username: str, password: str, now: Optional[dt.datetime] = None) -> LoginResult:
    """Checks a login; every attempt on an existing account is written to the access log. An
    unknown user, a wrong password and a locked account take the same time (one scrypt)."""
    now = now or utcnow()
    with db.sessions(url)() as session, session.begin():
        staff = session.execute(select(Staff).where(Staff.username == username).with_for_update()).scalar_one_or_none()
        if staff is None or not staff.active:
            verify_password(password, _no_account_hash())
            return LoginResult()
        if staff.locked_until and staff.locked_until > now:
            verify_password(password, _no_account_hash())
            inbox.log(session, staff.username, staff.team_name, "login_geblokkeerd")
            return LoginResult(locked=True)
        if not verify_password(password, staff.password_hash):
            staff.failed_logins += 1
            action = "login_mislukt"
            if staff.failed_logins >= MAX_FAILED:
                staff.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                staff.failed_logins = 0
                action = "account_geblokkeerd"
            inbox.log(session, staff.username, staff.team_name, action)
            return LoginResult(locked=action == "account_geblokkeerd")
        staff.failed_logins = 0
        staff.locked_until = None
        session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id, StaffSession.expires_at < now))
        token = secrets.token_urlsafe(32)
        session.add(
            StaffSession(
                token_hash=_digest(token),
                staff_id=staff.id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=_expiry(now, now),
            )
        )
        inbox.log(session, staff.username, staff.team_name, "login")
        return LoginResult(member=Member(staff.id, staff.username, staff.display_name, staff.team_name), token=token)


def _expiry(created_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """Idle timeout, sliding with every request, but never past SESSION_HOURS after login."""
    return min(created_at + dt.timedelta(hours=SESSION_HOURS), now + dt.timedelta(minutes=IDLE_MINUTES))


def session_member(url: str, token: Optional[str], now: Optional[dt.datetime] = None) -> Optional[Tuple[Member, str]]:
    """The logged-in member and the session's CSRF token, or None; each use extends the session."""
    if not token:
        return None
    now = now or utcnow()
    with db.sessions(url)() as session, session.begin():
        row = session.execute(
            select(StaffSession, Staff)
            .join(Staff, Staff.id == StaffSession.staff_id)
            .where(StaffSession.token_hash == _digest(token))
        ).first()
        if row is None or row.StaffSession.expires_at < now or not row.Staff.active:
            return None
        row.StaffSession.expires_at = _expiry(row.StaffSession.created_at, now)
        staff = row.Staff
        return Member(staff.id, staff.username, staff.display_name, staff.team_name), row.StaffSession.csrf_token


def logout(url: str, token: Optional[str]) -> None:
    if not token:
        return
    with db.sessions(url)() as session, session.begin():
        row = session.get(StaffSession, _digest(token))
        if row:
            session.delete(row)


def create_token(url: str, team_name: str, name: str) -> str:
    if not team_exists(url, team_name):
        raise ValueError(f"no local team named {team_name!r}")
    token = secrets.token_urlsafe(32)
    with db.sessions(url)() as session, session.begin():
        session.add(ApiToken(name=name, team_name=team_name, token_hash=_digest(token), created_at=utcnow()))
    return token


def token_member(url: str, token: Optional[str]) -> Optional[Member]:
    """The integration behind an API token, as a member of its team ("api:<name>")."""
    if not token:
        return None
    with db.sessions(url)() as session:
        row = session.execute(select(ApiToken).where(ApiToken.token_hash == _digest(token))).scalar_one_or_none()
        if row is None:
            return None
        return Member(-row.id, f"api:{row.name}", row.name, row.team_name)


def demo_accounts(url: str, path: Path = DEMO_FILE) -> str:
    """Example staff for two teams, made once; their passwords go to a file only this user reads."""
    with db.sessions(url)() as session:
        if session.execute(select(Staff.id).limit(1)).first():
            return f"Inbox accounts exist already (example accounts, if made here: {path})."
        teams = {
            m: session.execute(select(LocalTeam.name).where(LocalTeam.municipality == m)).scalar()
            for m in DEMO_MUNICIPALITIES
        }
    missing = [m for m, team in teams.items() if team is None]
    if missing:
        raise ValueError(
            f"no local team for {', '.join(missing)}: load the regional data first (python -m bot seed-demo)"
        )
    lines = []
    for municipality, team in teams.items():
        username = f"demo-{municipality.lower()}"
        password = secrets.token_urlsafe(12)
        add_staff(url, username, team, f"Demo medewerker {municipality}", password)
        lines.append(f"{username}  {password}  ({team})")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    # Created readable by this user only from the start (not chmod-ed after writing).
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write("Example inbox accounts (username, password, team):\n" + "\n".join(lines) + "\n")
    return f"Example inbox accounts made; usernames and passwords are in {path}."
