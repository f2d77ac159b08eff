"""Built-in accounts in the app store: argon2 password hashes, disabling, and lock-out after failed sign-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from clientscope.access.config import Grant, Lockout
from clientscope.access.roles import Role
from clientscope.access.viewer import Viewer
from clientscope.store import AppStore
from clientscope.store.tables import users

MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# Compared against when the user does not exist, so that an unknown name takes as long as a wrong password. Written
# out rather than hashed at import (0.12 s of every start); a test checks it carries the hasher's current parameters.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$mJtSiwTZmAi6LUVNGvR/4w$YCHyV993HDQzIMF0iSUTymXsQXgMhwLunkLpfqW34qc"


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class SignInResult:
    viewer: Viewer | None
    reason: str  # ok | wrong | locked | disabled
    session_epoch: int = 0  # the account's counter the new session is opened under (see `end_sessions`)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def add_user(store: AppStore, username: str, password: str, grant: Grant) -> None:
    username = username.strip()
    if not username:
        raise AccountError("the user name is empty")
    check_password_rules(password)
    now = _now()
    with store.begin() as con:
        if con.execute(sa.select(users.c.username).where(users.c.username == username)).first():
            raise AccountError(f"user '{username}' exists already; use `clientscope users reset {username}`")
        con.execute(
            users.insert().values(
                username=username,
                password_hash=_HASHER.hash(password),
                role=grant.role.value,
                regions=",".join(grant.regions),
                branches=",".join(grant.branches),
                rm_id=grant.rm,
                created_at=now,
                updated_at=now,
            )
        )


def _update(store: AppStore, username: str, **values: object) -> None:
    with store.begin() as con:
        result = con.execute(users.update().where(users.c.username == username).values(updated_at=_now(), **values))
        if result.rowcount == 0:
            raise AccountError(f"there is no user '{username}'; `clientscope users list` shows who exists")


_NEXT_EPOCH = users.c.session_epoch + 1


def disable_user(store: AppStore, username: str) -> None:
    _update(store, username, disabled=True, session_epoch=_NEXT_EPOCH)


def reset_password(store: AppStore, username: str, password: str) -> None:
    """A new password; also enables the account again, lifts a lock-out and ends the account's open sessions."""
    check_password_rules(password)
    _update(
        store,
        username,
        password_hash=_HASHER.hash(password),
        disabled=False,
        failed_attempts=0,
        locked_until=None,
        session_epoch=_NEXT_EPOCH,
    )


def end_sessions(store: AppStore, username: str) -> None:
    """Sign-out: every session of the account opened so far is refused from now on, on every device. Session
    cookies are signed, not stored, so clearing the browser's cookie alone would leave a copy of it valid (one a
    response still in flight sets again, or one taken from the machine)."""
    _update(store, username, session_epoch=_NEXT_EPOCH)


def list_users(store: AppStore) -> list[dict[str, object]]:
    with store.begin() as con:
        rows = con.execute(sa.select(users).order_by(users.c.username)).mappings().all()
    return [{k: v for k, v in row.items() if k not in ("password_hash", "session_epoch")} for row in rows]


def viewer_of(row: sa.RowMapping) -> Viewer:
    return Viewer(
        username=row["username"],
        role=Role(row["role"]),
        regions=frozenset(filter(None, row["regions"].split(","))),
        branches=frozenset(filter(None, row["branches"].split(","))),
        rm=row["rm_id"],
    )


def load_viewer(store: AppStore, username: str, session_epoch: int | None = None) -> Viewer | None:
    """The viewer of an enabled account, or None (unknown or disabled: the session ends). With `session_epoch`,
    also None when the session was opened before the account's last sign-out, password reset or disabling."""
    with store.begin() as con:
        row = con.execute(sa.select(users).where(users.c.username == username)).mappings().first()
    if row is None or row["disabled"]:
        return None
    if session_epoch is not None and session_epoch != row["session_epoch"]:
        return None
    return viewer_of(row)


def sign_in(store: AppStore, username: str, password: str, lockout: Lockout) -> SignInResult:
    """Check a password. After `lockout.attempts` failures in a row the account is locked for `lockout.minutes`;
    while locked even the right password is refused, and the user is told to wait or ask for a reset."""
    now = _now()
    with store.begin() as con:
        row = con.execute(sa.select(users).where(users.c.username == username)).mappings().first()
        if row is None:
            _verify(_DUMMY_HASH, password)
            return SignInResult(None, "wrong")
        locked_until = _aware(row["locked_until"])
        if locked_until is not None and locked_until > now:
            return SignInResult(None, "locked")
        if not _verify(row["password_hash"], password):
            failures = row["failed_attempts"] + 1
            lock = now + timedelta(minutes=lockout.minutes) if failures >= lockout.attempts else None
            con.execute(
                users.update()
                .where(users.c.username == username)
                .values(failed_attempts=0 if lock else failures, locked_until=lock)
            )
            return SignInResult(None, "locked" if lock else "wrong")
        if row["disabled"]:
            return SignInResult(None, "disabled")
        if row["failed_attempts"] or row["locked_until"] is not None:
            con.execute(users.update().where(users.c.username == username).values(failed_attempts=0, locked_until=None))
        return SignInResult(viewer_of(row), "ok", row["session_epoch"])


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
