"""Reading configuration from environment variables, with clear errors for bad values.

The errors are written in Indonesian, the portal's language (LANGUAGE_CODE), directly:
they are raised while the settings load, before Django can read a translation catalog."""

from __future__ import annotations

import os
import secrets
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on", "ya"}
FALSE_WORDS = {"0", "false", "no", "off", "tidak", ""}


def env_str(name: str, default: str = "") -> str:
    """A string setting; NAME_FILE may point at a file holding it (container secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE tidak dapat dibaca: {exc.strerror}.") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} harus true atau false, bukan {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} harus bilangan bulat, bukan {raw!r}.") from exc


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word not in choices:
        raise ImproperlyConfigured(
            f"{name} harus salah satu dari {', '.join(choices)}, bukan {raw!r}."
        )
    return word


# Indonesia's three time zones by the names everyone uses for them.
TIME_ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def env_time_zone(name: str, default: str) -> str:
    """A time zone's IANA name (WIB, WITA and WIT stand for Indonesia's three); empty is
    the default. Checked here: Django would accept an empty one, and refuse a wrong one
    with an English traceback."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip()
    if word.upper() in TIME_ZONE_ALIASES:
        return TIME_ZONE_ALIASES[word.upper()]
    try:
        zoneinfo.ZoneInfo(word)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ImproperlyConfigured(
            f"{name} harus nama zona waktu seperti Asia/Jakarta (WIB), Asia/Makassar (WITA) "
            f"atau Asia/Jayapura (WIT), bukan {raw!r}."
        ) from exc
    return word


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def data_home() -> Path:
    """The data folder (SATUDATA_HOME): database, secret key, uploads, backups."""
    raw = os.environ.get("SATUDATA_HOME")
    if raw:
        return Path(raw).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "satudata"


def ensure_writable_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Folder data {path} tidak dapat ditulisi ({exc.strerror}); "
            "atur SATUDATA_HOME ke folder yang boleh ditulisi pengguna ini."
        ) from exc
    return path


# Django's own deploy check calls a shorter key weak; so do we.
MIN_SECRET_KEY_LENGTH = 50


def secret_key(home: Path) -> str:
    """SECRET_KEY (or the file SECRET_KEY_FILE names), else the key kept in the data folder.

    A key file that is empty or short is refused, never replaced by a generated key: each app
    server would then sign sessions and CSRF tokens with its own key."""
    file_path = os.environ.get("SECRET_KEY_FILE")
    if not file_path:
        return env_str("SECRET_KEY") or stored_secret_key(home)
    key = env_str("SECRET_KEY")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"SECRET_KEY_FILE {file_path} berisi {len(key)} karakter, padahal kunci rahasia "
            f"harus minimal {MIN_SECRET_KEY_LENGTH} karakter acak (buat dengan: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return key


# Everything in the data folder is personal data (NIKs, KK numbers, birth dates, password
# hashes): only the account running Satu Data may read it.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Set `mode` on a file or folder of ours; one owned by another account is left alone."""
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass  # gone meanwhile, or not ours: nothing to tighten


def tighten_data_folder(home: Path, database: str = "", shared: tuple[Path, ...] = ()) -> None:
    """Make the data folder, its backups and the SQLite database private (0700 folders, 0600
    files), including files made before Satu Data tightened them. A folder in `shared` (a
    STATIC_ROOT inside the data folder, served by the reverse proxy) keeps the data folder
    itself open to its other users; the files holding personal data are tightened anyway."""
    if not home.is_dir():
        return
    if not any(home == s or home in s.parents for s in shared):
        make_private(home, PRIVATE_DIR)
    for folder in (home / "backups", home / "media"):
        if folder.is_dir():
            make_private(folder, PRIVATE_DIR)
    backups = home / "backups"
    if backups.is_dir():
        for item in backups.iterdir():
            make_private(item, PRIVATE_DIR if item.is_dir() else PRIVATE_FILE)
    if database and database != ":memory:":
        for suffix in ("", "-wal", "-shm", "-journal"):
            candidate = Path(database + suffix)
            if candidate.is_file():
                make_private(candidate)


def stored_secret_key(home: Path) -> str:
    """The secret key kept in the data folder, created on first use (never in the repo)."""
    key_file = home / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    ensure_writable_dir(home)
    key = secrets.token_urlsafe(50)
    # Create with 0600 so other users on the server cannot read it.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


# Keep each worker thread's SQLite connection between requests: opening one costs four
# PRAGMAs and a schema parse per request (with hundreds of datastore tables, several ms).
SQLITE_PERSISTENT = {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}

SQLITE_OPTIONS = {
    # Several worker processes share one file: WAL lets readers run beside a writer,
    # the busy timeout waits for a lock instead of failing, and IMMEDIATE takes the
    # write lock at BEGIN so two transactions never deadlock upgrading a read lock.
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=30000"
    ),
}


def parse_database_url(url: str, home: Path) -> dict:
    """Turn DATABASE_URL into Django's DATABASES entry; only SQLite and PostgreSQL are supported."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(home / "satudata.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
            **SQLITE_PERSISTENT,
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////absolute/path.db, sqlite://:memory:
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if parts.netloc == ":memory:" or path == ":memory:":
            path = ":memory:"
        if not path:
            raise ImproperlyConfigured(
                "DATABASE_URL untuk SQLite memerlukan jalur berkas, "
                "mis. sqlite:////srv/satudata/db.sqlite3."
            )
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": dict(SQLITE_OPTIONS),
            **SQLITE_PERSISTENT,
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                "DATABASE_URL untuk PostgreSQL memerlukan nama basis data, "
                "mis. postgres://user:password@127.0.0.1:5432/satudata."
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise ImproperlyConfigured("Port pada DATABASE_URL bukan angka.") from exc
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL harus diawali sqlite:// atau postgres://, bukan {scheme or '(kosong)'}://."
    )
