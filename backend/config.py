"""Settings, read from `MOTCUA_*` environment variables and injected through `create_app`.

Development persists generated secrets under `var/` so restarts keep sessions and cursors
valid; production never generates a secret and refuses to start on unsafe settings: a secret
that is short or guessable (`secret_strength_bits`), an address that is not https, session
lifetimes outside `SESSION_LIMITS`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import math
import os
import secrets
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import msgspec
from croniter import croniter

Mode = Literal["development", "production"]
JobMode = Literal["app", "queue"]
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128
# The longest session production allows, per kind of account: a citizen's phone stays signed
# in for up to a quarter (it keeps working offline meanwhile); a staff session ends within a
# day, so a desk computer left signed in does not stay so.
SESSION_LIMITS = {"citizen": dt.timedelta(days=90), "staff": dt.timedelta(hours=24)}
MAX_LIFETIME_HOURS = 24 * 366 * 10  # past this a lifetime is a typo, in any mode
ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(Exception):
    """The configuration is unsafe or incomplete; the message says what to set."""


class S3Settings(msgspec.Struct, frozen=True, kw_only=True):
    """The bucket blobs go to with `MOTCUA_BLOB_STORE=s3` (`MOTCUA_S3_*`). Empty values leave
    the choice to boto3's standard chain: credentials from `AWS_ACCESS_KEY_ID` / a profile /
    an instance or container role, the region from `AWS_REGION`, the endpoint AWS's own."""

    bucket: str = ""
    prefix: str = ""  # keys are `<prefix>/<sha256[:2]>/<sha256>`, as the disk store's paths
    endpoint_url: str = ""  # an S3-compatible server (MinIO, Ceph RGW, ...); empty: AWS
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    # auto: virtual-hosted on AWS, path-style with an endpoint URL (self-hosted servers
    # seldom have the wildcard DNS virtual-hosted names need).
    addressing_style: Literal["auto", "path", "virtual"] = "auto"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    mode: Mode = "development"
    var_dir: Path = ROOT / "var"
    # Where verified files live: files under var/blobs, or an S3 bucket when app workers
    # share no disk (backend/features/uploads/blobs.py, decision 0016).
    blob_store: Literal["disk", "s3"] = "disk"
    s3: S3Settings = S3Settings()
    database_url: str = ""
    secret_key: str = ""
    public_url: str = "http://localhost:8000"
    pwa_dir: Path = ROOT / "pwa" / "dist"
    retire_service_worker: bool = False
    timezone: str = "Asia/Ho_Chi_Minh"
    province_code: str = "75"
    sql_echo: bool = False
    # Housekeeping (change-log pruning, expired ceremonies and uploads) inside the app.
    background_jobs: bool = True
    # How long a session lives without use (idle) and at most (absolute), per kind of account.
    citizen_session_idle: dt.timedelta = dt.timedelta(days=14)
    citizen_session_absolute: dt.timedelta = dt.timedelta(days=30)
    staff_session_idle: dt.timedelta = dt.timedelta(hours=1)
    staff_session_absolute: dt.timedelta = dt.timedelta(hours=12)
    # Networks of the proxies whose X-Forwarded-For names the client (backend.core.proxies),
    # as CIDR strings; none by default.
    trusted_proxies: tuple[str, ...] = ()
    # A request's body must arrive within this many seconds, plus the time its size needs at
    # the minimum rate (bytes a second): see backend/core/edge.py `BodyDeadline`.
    request_body_timeout: float = 30.0
    request_body_min_rate: float = 8192.0
    # Scaling out (docs/decisions/0017). Redis, for the rate limits every app worker shares
    # and the job queue (SAQ); none in the embedded default. Where the housekeeping jobs run:
    # "app", inside the app process (the embedded default), or "queue", only in the job
    # workers (`python -m backend worker`), the default once Redis is set. How many app
    # worker processes `serve` starts. Cron schedules replacing jobs' own, by job name.
    redis_url: str = ""
    jobs: JobMode = "app"
    workers: int = 1
    job_schedules: tuple[tuple[str, str], ...] = ()

    @property
    def origin(self) -> str:
        return self.public_url

    @property
    def rp_id(self) -> str:
        """The WebAuthn relying-party id: the host citizens reach the app at."""
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def secure_cookies(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    def session_lifetimes(self, kind: str) -> tuple[dt.timedelta, dt.timedelta]:
        """(idle, absolute) for a kind of account."""
        if kind == "staff":
            return self.staff_session_idle, self.staff_session_absolute
        return self.citizen_session_idle, self.citizen_session_absolute

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.var_dir / 'motcua.db'}"


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment; development fills in what it may, production checks."""
    env = os.environ if environ is None else environ
    get = env.get
    raw_mode = get("MOTCUA_MODE", "development")
    if raw_mode not in ("development", "production"):
        raise ConfigurationError(f"MOTCUA_MODE must be development or production, not {raw_mode!r}")
    mode: Mode = "production" if raw_mode == "production" else "development"
    var_dir = Path(get("MOTCUA_VAR_DIR", str(ROOT / "var")))
    settings = Settings(
        mode=mode,
        var_dir=var_dir,
        blob_store=_blob_store(get),
        s3=_s3_settings(get),
        database_url=get("MOTCUA_DATABASE_URL", ""),
        secret_key=get("MOTCUA_SECRET_KEY", ""),
        public_url=get("MOTCUA_PUBLIC_URL", "http://localhost:8000").rstrip("/"),
        pwa_dir=Path(get("MOTCUA_PWA_DIR", str(ROOT / "pwa" / "dist"))),
        retire_service_worker=_flag(get("MOTCUA_RETIRE_SERVICE_WORKER", "")),
        province_code=get("MOTCUA_PROVINCE_CODE", "75"),
        sql_echo=_flag(get("MOTCUA_SQL_ECHO", "")),
        background_jobs=get("MOTCUA_BACKGROUND_JOBS", "1") != "0",
        trusted_proxies=_networks("MOTCUA_TRUSTED_PROXIES", get("MOTCUA_TRUSTED_PROXIES", "")),
    )
    settings = msgspec.structs.replace(
        settings, **_session_lifetimes(get), **_body_limits(get), **_scale_out(get)
    )
    check_scale_out(settings)
    if settings.is_production:
        check_production(settings)
        return settings
    if not settings.secret_key:
        settings = msgspec.structs.replace(
            settings, secret_key=development_secret(var_dir / "secret_key")
        )
    return settings


def _scale_out(get: Callable[[str], str | None]) -> dict[str, Any]:
    """MOTCUA_REDIS_URL, MOTCUA_JOBS, MOTCUA_WORKERS and MOTCUA_JOB_SCHEDULES."""
    redis_url = (get("MOTCUA_REDIS_URL") or "").strip()
    if redis_url and urlsplit(redis_url).scheme not in ("redis", "rediss"):
        raise ConfigurationError("MOTCUA_REDIS_URL must be a redis:// or rediss:// URL")
    jobs = (get("MOTCUA_JOBS") or "").strip() or ("queue" if redis_url else "app")
    if jobs not in get_args(JobMode):
        raise ConfigurationError(f"MOTCUA_JOBS must be app or queue, not {jobs!r}")
    raw_workers = (get("MOTCUA_WORKERS") or "1").strip()
    if not raw_workers.isdigit() or int(raw_workers) < 1:
        raise ConfigurationError(f"MOTCUA_WORKERS must be a whole number >= 1, not {raw_workers!r}")
    schedules = []
    for part in (get("MOTCUA_JOB_SCHEDULES") or "").split(";"):
        name, equals, cron = (piece.strip() for piece in part.partition("="))
        if not part.strip():
            continue
        if not equals or not name or not croniter.is_valid(cron):
            raise ConfigurationError(
                "MOTCUA_JOB_SCHEDULES must be `job-name=cron expression` entries separated by "
                f"`;` (e.g. `prune-change-log=30 2 * * *`), not {part.strip()!r}"
            )
        schedules.append((name, cron))
    return {
        "redis_url": redis_url,
        "jobs": jobs,
        "workers": int(raw_workers),
        "job_schedules": tuple(schedules),
    }


def check_scale_out(settings: Settings) -> None:
    """Refuse settings under which several processes would not share what they must."""
    if settings.jobs == "queue" and not settings.redis_url:
        raise ConfigurationError("MOTCUA_JOBS=queue needs MOTCUA_REDIS_URL (SAQ queues on Redis)")
    if settings.workers > 1 and not settings.redis_url:
        raise ConfigurationError(
            "several app workers need MOTCUA_REDIS_URL: rate limits must be counted for all "
            "of them together"
        )
    if settings.workers > 1 and settings.jobs != "queue":
        raise ConfigurationError(
            "several app workers need MOTCUA_JOBS=queue: each would run the housekeeping "
            "jobs itself; run them in `python -m backend worker`"
        )


def _networks(name: str, raw: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR networks, as networks (10.0.0.1 is 10.0.0.1/32)."""
    try:
        return tuple(
            str(ipaddress.ip_network(part.strip())) for part in raw.split(",") if part.strip()
        )
    except ValueError as exc:
        raise ConfigurationError(
            f"{name} must be comma-separated IP addresses or networks (10.0.0.0/8): {exc}"
        ) from None


def _session_lifetimes(get: Callable[[str], str | None]) -> dict[str, dt.timedelta]:
    """MOTCUA_{CITIZEN,STAFF}_SESSION_{IDLE,ABSOLUTE}_HOURS, where set."""
    lifetimes = {}
    for kind in ("citizen", "staff"):
        for limit in ("idle", "absolute"):
            name = f"MOTCUA_{kind.upper()}_SESSION_{limit.upper()}_HOURS"
            raw = get(name)
            if raw:
                hours = _positive_number(name, raw)
                if hours > MAX_LIFETIME_HOURS:
                    raise ConfigurationError(f"{name} must be at most {MAX_LIFETIME_HOURS} hours")
                lifetimes[f"{kind}_session_{limit}"] = dt.timedelta(hours=hours)
    return lifetimes


def _body_limits(get: Callable[[str], str | None]) -> dict[str, float]:
    """MOTCUA_REQUEST_BODY_TIMEOUT_SECONDS and MOTCUA_REQUEST_BODY_MIN_RATE (bytes a
    second), where set."""
    limits = {}
    for name, field in (
        ("MOTCUA_REQUEST_BODY_TIMEOUT_SECONDS", "request_body_timeout"),
        ("MOTCUA_REQUEST_BODY_MIN_RATE", "request_body_min_rate"),
    ):
        raw = get(name)
        if raw:
            limits[field] = _positive_number(name, raw)
    return limits


def _blob_store(get: Callable[[str], str | None]) -> Literal["disk", "s3"]:
    """MOTCUA_BLOB_STORE: disk (the default) or s3."""
    store = get("MOTCUA_BLOB_STORE") or "disk"
    if store not in ("disk", "s3"):
        raise ConfigurationError(f"MOTCUA_BLOB_STORE must be disk or s3, not {store!r}")
    return "s3" if store == "s3" else "disk"


def _s3_settings(get: Callable[[str], str | None]) -> S3Settings:
    """The bucket's MOTCUA_S3_* settings (read whatever the store, so production can point
    out a bucket set for the disk store)."""
    style = get("MOTCUA_S3_ADDRESSING_STYLE") or "auto"
    if style not in ("auto", "path", "virtual"):
        raise ConfigurationError(
            f"MOTCUA_S3_ADDRESSING_STYLE must be auto, path or virtual, not {style!r}"
        )
    return msgspec.convert(
        {
            "bucket": get("MOTCUA_S3_BUCKET") or "",
            "prefix": (get("MOTCUA_S3_PREFIX") or "").strip("/"),
            "endpoint_url": (get("MOTCUA_S3_ENDPOINT_URL") or "").rstrip("/"),
            "region": get("MOTCUA_S3_REGION") or "",
            "access_key_id": get("MOTCUA_S3_ACCESS_KEY_ID") or "",
            "secret_access_key": get("MOTCUA_S3_SECRET_ACCESS_KEY") or "",
            "addressing_style": style,
        },
        S3Settings,
    )


def _blob_store_problems(settings: Settings) -> list[str]:
    """An S3 store that cannot work, or could only work by sending files in clear; S3
    settings with the disk store (blobs would stay on one worker's disk)."""
    s3 = settings.s3
    if settings.blob_store != "s3":
        if s3.bucket:
            return ["MOTCUA_S3_BUCKET is set but MOTCUA_BLOB_STORE is not s3: set both or neither"]
        return []
    problems = []
    if not s3.bucket:
        problems.append("MOTCUA_BLOB_STORE=s3 needs MOTCUA_S3_BUCKET")
    if bool(s3.access_key_id) != bool(s3.secret_access_key):
        problems.append(
            "MOTCUA_S3_ACCESS_KEY_ID and MOTCUA_S3_SECRET_ACCESS_KEY go together (or set "
            "neither, for the standard AWS credentials: environment, profile or role)"
        )
    endpoint = urlsplit(s3.endpoint_url)
    if s3.endpoint_url and (endpoint.scheme != "https" or not endpoint.hostname):
        problems.append("MOTCUA_S3_ENDPOINT_URL must be an https:// URL (files travel to it)")
    return problems


def _positive_number(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(f"{name} must be a positive number, not {raw!r}")
    return value


def development_secret(path: Path) -> str:
    """A secret generated once for this checkout and kept under var/ (development only)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


def secret_strength_bits(secret: str) -> float:
    """A conservative estimate of the entropy of `secret`, in bits: the lesser of

    - its characters' own entropy (how evenly it uses the characters it has) times the number
      of characters that do not merely continue a run (``aaaa``, ``abcd``, ``aceg`` count one
      character each), and
    - what zlib can squeeze it to (repeated blocks such as ``Password1234Password1234``).

    It is a floor against the obvious mistakes (short, repeated, a run, a pattern), not a
    proof of randomness: it cannot tell words from random letters. It rather underestimates
    random secrets: `secrets.token_urlsafe(48)` scores about 320 (never under 280),
    `token_urlsafe(32)` about 200; 32 random hex digits (exactly 128 bits) score about 100, so
    a secret of hex digits needs 44 or more (`openssl rand -hex 32` scores about 240).
    """
    length = len(secret)
    if length == 0:
        return 0.0
    counts = Counter(secret)
    per_character = -sum(n / length * math.log2(n / length) for n in counts.values())
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(secret)]
    novel = 1 + sum(1 for i, step in enumerate(steps) if (step != steps[i - 1] if i else step != 0))
    compressed = len(zlib.compress(secret.encode(), 9)) - len(zlib.compress(b"", 9))
    return min(per_character * novel, 8.0 * compressed)


def _session_problems(settings: Settings) -> list[str]:
    problems = []
    for kind, limit in SESSION_LIMITS.items():
        idle, absolute = settings.session_lifetimes(kind)
        names = f"MOTCUA_{kind.upper()}_SESSION_IDLE_HOURS / _ABSOLUTE_HOURS"
        if idle <= dt.timedelta(0) or absolute <= dt.timedelta(0):
            problems.append(f"{names}: session lifetimes must be positive")
        elif idle > absolute:
            problems.append(f"{names}: the idle lifetime cannot exceed the absolute one")
        if absolute > limit:
            hours = int(limit.total_seconds() // 3600)
            problems.append(f"{names}: a {kind} session may last at most {hours} hours")
    return problems


def check_production(settings: Settings) -> None:
    """Refuse to run in production with missing secrets or unsafe settings."""
    problems: list[str] = []
    if (
        len(settings.secret_key) < MIN_SECRET_LENGTH
        or secret_strength_bits(settings.secret_key) < MIN_SECRET_BITS
    ):
        problems.append(
            f"MOTCUA_SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters and about {MIN_SECRET_BITS} bits, not a word, "
            f"a pattern or a repetition (e.g. `python -c 'import secrets; "
            f"print(secrets.token_urlsafe(48))'`)"
        )
    problems += _session_problems(settings)
    problems += _blob_store_problems(settings)
    url = urlsplit(settings.public_url)
    if url.scheme != "https" or not url.hostname:
        problems.append("MOTCUA_PUBLIC_URL must be the https:// origin citizens use")
    if not settings.database_url:
        problems.append(
            "MOTCUA_DATABASE_URL must be set explicitly in production "
            "(sqlite+aiosqlite:///path or postgresql+asyncpg://...)"
        )
    if settings.sql_echo:
        problems.append("MOTCUA_SQL_ECHO logs personal data and must be off in production")
    if problems:
        raise ConfigurationError(
            "MotCua refuses to start in production mode:\n- " + "\n- ".join(problems)
        )
