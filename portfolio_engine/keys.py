"""Secrets kept outside the database: the HMAC key, passcode hashing, one-time tokens and codes.

The key comes from `PORTFOLIO_SECRET` or, failing that, a `secret.key` file beside the database
(created with owner-only permissions on first use). Someone holding only the database file can
neither rewrite the audit chain unnoticed nor recover voter codes or participant tokens.
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from .paths import database_path

# No look-alikes (0/O, 1/I/L): codes are read off paper and phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def secret_key() -> bytes:
    """The installation's HMAC key (environment first, then the key file, created if missing)."""
    configured = os.environ.get("PORTFOLIO_SECRET")
    if configured:
        return configured.encode()
    path = Path(os.environ.get("PORTFOLIO_SECRET_FILE") or database_path().with_name("secret.key"))
    if not path.exists():
        _create_key_file(path)
    return path.read_text().strip().encode()


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
