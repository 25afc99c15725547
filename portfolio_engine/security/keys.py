"""Secrets kept outside the database: the HMAC key, passcode hashing, one-time tokens and codes.

The key comes from `PORTFOLIO_SECRET` or, failing that, a `secret.key` file beside the database
(created with owner-only permissions on first use). With a PostgreSQL server (DATABASE_URL) the key file is never
guessed: it must be named (PORTFOLIO_SECRET_FILE), a place every app host reads. Someone holding only the database file can
neither rewrite the audit chain unnoticed nor recover voter codes or participant tokens.

A key is made only for a database that holds nothing keyed yet: once there are audit entries,
participants or voter codes, a missing, empty or short key stops everything with a message saying
to restore it from the backup (a new key would silently break the audit chain and every issued code).
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from portfolio_engine import settings, storage
from portfolio_engine.errors import KeyMissing

# No look-alikes (0/O, 1/I/L): codes are read off paper and phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
MIN_FILE_KEY = 32  # hex characters in secret.key
MIN_ENV_KEY = 16  # characters in PORTFOLIO_SECRET
RESTORE = "restore the key from your backup (see docs/deploy.md). Nothing was changed."
_checked: dict[tuple[str | None, str | None, str | None], bytes] = {}  # keys that passed the checks, per (key file, database) setting


def key_file() -> Path:
    return settings.secret_file()


def secret_key() -> bytes:
    """The installation's HMAC key: the environment's, else the key file's (created only for a database with nothing keyed yet)."""
    configured = settings.secret()
    if configured:
        if len(configured) < MIN_ENV_KEY:
            raise KeyMissing(f"PORTFOLIO_SECRET is too short ({len(configured)} characters; at least {MIN_ENV_KEY}): {RESTORE}")
        return configured.encode()
    setting = settings.key_setting()  # no Path built on the hot path
    known = _checked.get(setting)
    if known is None:
        if setting[2] and not setting[0]:
            raise KeyMissing("DATABASE_URL names a server that other app hosts may share, so the key must come from one place every host reads: "
                             "set PORTFOLIO_SECRET or PORTFOLIO_SECRET_FILE (docs/deploy.md). Nothing was changed.")
        known = _checked[setting] = _file_key(key_file(), storage.location())
    return known


def _file_key(path: Path, database: storage.Location) -> bytes:
    """The key file's key, checked; a new key only when the file is missing and the database holds nothing keyed."""
    if not path.exists():
        if storage.has_keyed_records(database):
            raise KeyMissing(f"The key file {path.name} is missing but this database has an audit record: {RESTORE}")
        _create_key_file(path)
    key = path.read_text(encoding="utf-8", errors="replace").strip()
    if len(key) < MIN_FILE_KEY or any(c not in "0123456789abcdefABCDEF" for c in key):
        raise KeyMissing(f"The key file {path.name} is empty, too short or damaged (it needs at least {MIN_FILE_KEY} hex characters): {RESTORE}")
    return key.encode()


def _create_key_file(path: Path) -> None:
    """Write the key whole, then link it into place: processes starting together (`make serve`) all read one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    try:
        os.link(draft, path)  # fails if another process linked its key first: theirs is kept
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 of a text under the installation's key (hex)."""
    return hmac.new(secret_key(), text.encode(), hashlib.sha256).hexdigest()


def hash_passcode(passcode: str) -> str:
    """A salted scrypt hash, stored as 'salt$hash' (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(passcode.encode(), salt=salt, **SCRYPT)
    return f"{salt.hex()}${digest.hex()}"


def check_passcode(passcode: str, stored: str) -> bool:
    """Constant-time comparison against a stored scrypt hash."""
    salt, _, expected = stored.partition("$")
    digest = hashlib.scrypt(passcode.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(digest.hex(), expected)


def code(length: int = 8) -> str:
    """A cryptographically random code from the unambiguous alphabet."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def token() -> str:
    """A participant's session token (URL-safe)."""
    return secrets.token_urlsafe(18)


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"
