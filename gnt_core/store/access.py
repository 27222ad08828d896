"""Who may use a shared server, which server folders they may open, and what was done.

- Local mode (the default): the app listens on 127.0.0.1 only, for the person at the machine.
- Shared mode: the app listens on an address other machines reach; it then needs users, each
  with a password set by the administrator (`gnt add-user NAME`). Passwords are kept only as
  salted scrypt hashes in $GNT_HOME/users.json (mode 0600) and compared in constant time.
- Server folders: in shared mode only folders inside the configured data roots can be opened
  ($GNT_DATA_ROOTS, paths separated by ':'; `gnt serve --data-root DIR`). A path is refused if
  it holds '..', percent-escapes, '~', or resolves (symlinks followed) outside every root.
- Single sign-on: with an [auth] section in .streamlit/secrets.toml the app signs users in
  through an OpenID Connect provider instead (docs/sso.md); its keys are checked here.
- Server paths: only the person at the machine sees absolute paths of the server; for anyone
  else they are cut out of what the app shows.
- $GNT_HOME/audit.log records, one JSON line each, who deleted a run and who gave a verdict.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from ..io.dataset import GntInputError
from .storage import gnt_home, read_optional_json, write_json

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
ENV_DATA_ROOTS = "GNT_DATA_ROOTS"
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
SSO_KEYS = ("redirect_uri", "cookie_secret")
SSO_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32
# an absolute path: a '/' that starts a word (not inside a URL, a fraction or a relative path)
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/[^\s'\"`,;:()<>\[\]{}]+")


def is_loopback(address: str) -> bool:
    """Whether a bind address reaches this machine only (127.0.0.1, ::1, localhost)."""
    if address == "localhost":
        return True
    try:  # '' (Streamlit's own default) means every interface
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- users and passwords


def users_file() -> Path:
    return gnt_home() / "users.json"


def _hash(password: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, dklen=32, **params)


def add_user(name: str, password: str) -> None:
    """Add or replace a user; only the salted scrypt hash is stored."""
    if not USER_NAME.fullmatch(name):
        raise GntInputError(f"user names are letters, digits, '.', '_', '@', '-' (up to 64), "
                            f"not {name!r}")
    if len(password) < 10:
        raise GntInputError("a password needs at least 10 characters")
    salt = secrets.token_bytes(16)
    users = read_optional_json(users_file())
    users[name] = {"salt": salt.hex(), "hash": _hash(password, salt, SCRYPT).hex(), **SCRYPT}
    write_json(users_file(), users)
    users_file().chmod(0o600)


def remove_user(name: str) -> bool:
    users = read_optional_json(users_file())
    if users.pop(name, None) is None:
        return False
    write_json(users_file(), users)
    return True


def has_users() -> bool:
    return bool(read_optional_json(users_file()))


def check_password(name: str, password: str) -> bool:
    """True for a known user and the right password (constant-time comparison; an unknown
    user costs the same scrypt work as a known one)."""
    record = read_optional_json(users_file()).get(name)
    params = {k: record[k] for k in SCRYPT} if record else SCRYPT
    salt = bytes.fromhex(record["salt"]) if record else bytes(16)
    expected = bytes.fromhex(record["hash"]) if record else bytes(32)
    return hmac.compare_digest(_hash(password, salt, params), expected) and record is not None


# ---------------------------------------------------------------- single sign-on


def secrets_files() -> list[Path]:
    """Where Streamlit reads secrets by default (the later file wins)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def configured_auth(files: list[Path] | None = None) -> dict:
    """The [auth] section of the secrets files, {} when there is none."""
    auth: dict = {}
    for path in secrets_files() if files is None else files:
        if path.is_file():
            try:
                auth = tomllib.loads(path.read_text(encoding="utf-8")).get("auth", auth)
            except tomllib.TOMLDecodeError as err:
                raise GntInputError(f"{path}: not valid TOML ({err})") from None
    return auth


def sso_providers(auth: Mapping) -> dict[str, str]:
    """The sign-in providers of an [auth] section, name -> label ('default' for one given in
    [auth] itself, labelled by its provider's host), after checking that the section is
    complete; {} when there is none. A GntInputError names the first missing or unusable key."""
    if not auth:
        return {}
    for key in SSO_KEYS:
        _require(auth, key, "[auth]")
    if not str(auth["redirect_uri"]).endswith("/oauth2callback"):
        raise GntInputError("[auth] redirect_uri in .streamlit/secrets.toml must end in "
                            "/oauth2callback, e.g. https://gnt.example.org/oauth2callback")
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET:
        raise GntInputError(f"[auth] cookie_secret in .streamlit/secrets.toml needs at least "
                            f"{MIN_COOKIE_SECRET} random characters (python -c 'import secrets; "
                            "print(secrets.token_hex(32))')")
    named = {name: part for name, part in auth.items() if isinstance(part, Mapping)
             and name != "client_kwargs"}
    providers = named if named and "client_id" not in auth else {"default": auth, **named}
    for name, section in providers.items():
        if "_" in name:
            raise GntInputError(f"[auth.{name}]: provider names cannot hold '_'")
        for key in SSO_PROVIDER_KEYS:
            _require(section, key, "[auth]" if name == "default" else f"[auth.{name}]")
    return {name: urlparse(str(section["server_metadata_url"])).hostname or name
            if name == "default" else name.capitalize() for name, section in providers.items()}


def _require(section: Mapping, key: str, where: str) -> None:
    if not str(section.get(key) or "").strip():
        raise GntInputError(f"{where} in .streamlit/secrets.toml is missing {key!r}: single "
                            "sign-on needs redirect_uri and cookie_secret in [auth], and "
                            "client_id, client_secret and server_metadata_url per provider "
                            "(see docs/sso.md)")


# ---------------------------------------------------------------- who sees server paths


def serves_others(server_address: str, single_sign_on: bool) -> bool:
    """Whether people other than the one at this machine use the app: it listens on an
    address other machines reach, or signs users in (e.g. on 127.0.0.1 behind a proxy)."""
    return single_sign_on or not is_loopback(server_address)


def may_see_server_paths(server_address: str, single_sign_on: bool) -> bool:
    """Absolute server paths ($GNT_HOME, data roots, run folders) are for the person at the
    machine only, never for a remote user."""
    return not serves_others(server_address, single_sign_on)


def hide_server_paths(text: str, roots: list[Path]) -> str:
    """`text` without absolute paths: one inside a data root becomes relative to it (as a user
    types it), any other '…/' and its last part."""
    return _ABSOLUTE_PATH.sub(lambda found: _hidden(found.group(), roots), text)


def _hidden(path: str, roots: list[Path]) -> str:
    for root in roots:
        if path == str(root) or path.startswith(str(root).rstrip("/") + "/"):
            return path[len(str(root)):].strip("/") or root.name or "…"
    return "…/" + PurePosixPath(path).name


# ---------------------------------------------------------------- server folders


def data_roots() -> list[Path]:
    """The configured data roots ($GNT_DATA_ROOTS), resolved; none means no folder opening."""
    text = os.environ.get(ENV_DATA_ROOTS, "")
    return [Path(p).resolve() for p in text.split(os.pathsep) if p.strip()]


def resolve_in_roots(text: str, roots: list[Path]) -> Path:
    """The folder `text` names, inside one of `roots` (relative to the first root, or
    absolute); a GntInputError for anything that leaves them or tries to."""
    refuse = GntInputError(f"{text[:200]!r}: only folders inside the data roots of this server "
                           "can be opened (" + (", ".join(map(str, roots)) or "none configured")
                           + "). Give a path inside one of them, without '..'.")
    if not roots or not text.strip() or "\x00" in text or _ESCAPE.search(text):
        raise refuse
    raw = Path(text.strip())
    if ".." in raw.parts or text.strip().startswith("~"):
        raise refuse
    candidate = (raw if raw.is_absolute() else roots[0] / raw).resolve()
    if not any(candidate == root or root in candidate.parents for root in roots):
        raise refuse
    return candidate


# ---------------------------------------------------------------- audit log


def audit(user: str, action: str, **details) -> None:
    """Append one line to $GNT_HOME/audit.log: time, user, action and details."""
    path = gnt_home() / "audit.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "user": user,
                       "action": action, **details})
    with open(path, "a", encoding="utf-8") as log:
        log.write(line + "\n")
