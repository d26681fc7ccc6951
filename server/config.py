"""The service's configuration: one frozen object, built from the environment or handed over by tests."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

ENV_PREFIX = "SELLERDESK_SERVER_"
PROVIDERS = ("facebook", "instagram", "pinterest")
_MIN_SECRET_CHARS = 32
_MIN_SECRET_DISTINCT = 12  # 64 hex digits have 16; "aaaa…" or a repeated word has a handful
# Database connections one instance may hold, shared by its workers. PostgreSQL allows 100 by default
# (max_connections), 3 of them kept for superusers: 80 leaves room for migrations, backups, psql and a second
# instance starting during a rolling deploy. With more instances, give each (max_connections - 20) / instances.
DEFAULT_DB_CONNECTIONS = 80
_BIND_ADDRESSES = ("0.0.0.0", "::", "")  # noqa: S104 (names of wildcard addresses, refused as links)
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
_MAIL_SECURITY = ("starttls", "tls", "none")


class ConfigError(Exception):
    """The service cannot start with this configuration; the message says which variable to set."""


@dataclass(frozen=True)
class ProviderConfig:
    """One OAuth provider the broker exchanges codes for. Empty ``client_secret`` means not set up here."""

    name: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    exchange_url: str  # long-lived token exchange (Facebook, Instagram); unused by Pinterest
    scopes: tuple[str, ...]

    @property
    def configured(self) -> bool:
        """Whether this server holds the app id and secret for the provider."""
        return bool(self.client_id and self.client_secret)


_PROVIDER_DEFAULTS: dict[str, tuple[str, str, str, str]] = {
    # name: (authorize_url, token_url, exchange_url, scopes); versions drift, so each is overridable.
    "facebook": (
        "https://www.facebook.com/v25.0/dialog/oauth",
        "https://graph.facebook.com/v25.0/oauth/access_token",
        "https://graph.facebook.com/v25.0/oauth/access_token",
        "pages_manage_posts pages_read_engagement pages_show_list instagram_basic instagram_content_publish",
    ),
    "instagram": (
        "https://www.instagram.com/oauth/authorize",
        "https://api.instagram.com/oauth/access_token",
        "https://graph.instagram.com/access_token",
        "instagram_business_basic instagram_business_content_publish",
    ),
    "pinterest": (
        "https://www.pinterest.com/oauth/",
        "https://api.pinterest.com/v5/oauth/token",
        "",
        "boards:read boards:write pins:read pins:write user_accounts:read",
    ),
}


def default_provider(name: str, client_id: str = "", client_secret: str = "") -> ProviderConfig:
    """``name``'s provider settings with the public endpoints of 2026."""
    authorize, token, exchange, scopes = _PROVIDER_DEFAULTS[name]
    return ProviderConfig(name, client_id, client_secret, authorize, token, exchange, tuple(scopes.split()))


@dataclass(frozen=True)
class Limits:
    """Sizes, rates and lifetimes; the defaults suit one small-business account per seller."""

    access_ttl_seconds: int = 15 * 60
    refresh_ttl_seconds: int = 60 * 24 * 3600
    # A just-replaced refresh token used again this soon (its answer was lost) gets the same new pair, as long as
    # that pair's refresh token is still unused; later, or after it was used, reuse ends the sign-in (theft).
    refresh_grace_seconds: int = 60
    max_body_bytes: int = 4 * 1024 * 1024
    max_upload_bytes: int = 25 * 1024 * 1024
    account_quota_bytes: int = 2 * 1024 * 1024 * 1024
    media_default_ttl_seconds: int = 24 * 3600
    media_max_ttl_seconds: int = 7 * 24 * 3600
    login_free_attempts: int = 5  # per account and address; then 2, 4, 8 … seconds between attempts
    login_failures_per_account: int = 50  # from all addresses, except computers signed in to it before
    login_failures_per_address: int = 300  # against all accounts: one carrier-grade NAT holds many sellers
    login_window_seconds: int = 15 * 60
    registrations_per_address: int = 20
    registration_window_seconds: int = 3600
    push_max_changes: int = 500
    # Per account and instance: a desktop pushes and pulls a few times a round, a round every few minutes; a first
    # upload of 5,000 products is 11 pushes. Bursts beyond these are a runaway or an abuser.
    push_per_minute: int = 60
    push_burst: int = 60
    pull_per_minute: int = 120
    pull_burst: int = 120
    record_max_bytes: int = 256 * 1024
    pull_max_limit: int = 1000
    # Superseded versions stay pullable this long, so a device that was off for weeks still sees every change.
    sync_retention_seconds: int = 90 * 24 * 3600
    oauth_flow_ttl_seconds: int = 10 * 60
    oauth_handoff_ttl_seconds: int = 2 * 60
    provider_timeout_seconds: float = 15.0


@dataclass(frozen=True)
class MailConfig:
    """The SMTP server that sends account emails (confirm an address, reset a password)."""

    host: str
    port: int = 587
    sender: str = ""  # the From address, e.g. "SellerDesk <no-reply@sync.example.com>"
    username: str = ""
    password: str = ""
    security: str = "starttls"  # "starttls" (port 587), "tls" (port 465) or "none" (a relay on this machine only)
    timeout_seconds: float = 15.0

    def __post_init__(self) -> None:
        if self.security not in _MAIL_SECURITY:
            raise ConfigError(f"{ENV_PREFIX}SMTP_SECURITY must be one of {', '.join(_MAIL_SECURITY)} "
                              f"(got {self.security!r}).")
        if not self.sender or "@" not in self.sender:
            raise ConfigError(f"{ENV_PREFIX}MAIL_FROM must be the address account emails come from "
                              f"(got {self.sender!r}).")


@dataclass(frozen=True)
class PasswordCost:
    """Argon2id parameters, and how many hashes may run at once (each holds ``memory_kib`` of RAM)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 2
    concurrent_hashes: int = 4


@dataclass(frozen=True)
class S3Settings:
    """An S3-compatible bucket for photos and public media (credentials come from boto3's usual chain:
    ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, a profile or an instance role)."""

    bucket: str
    endpoint_url: str = ""  # empty: AWS itself; e.g. http://minio:9000 for MinIO
    region: str = ""
    path_style: bool = False  # http://host/bucket/key instead of http://bucket.host/key (MinIO and most others)


@dataclass(frozen=True)
class ServerConfig:
    """Everything the service needs to run; instances sharing one database must share ``secret``."""

    database_url: str
    secret: str
    public_url: str
    media_dir: Path
    limits: Limits = field(default_factory=Limits)
    password_cost: PasswordCost = field(default_factory=PasswordCost)
    providers: Mapping[str, ProviderConfig] = field(
        default_factory=lambda: {name: default_provider(name) for name in PROVIDERS})
    db_pool_size: int = 40  # connections each worker keeps (see pool_size_for)
    expose_api_docs: bool = False
    housekeeping_seconds: int = 600  # 0: no scheduled housekeeping on this instance
    trusts_proxy: bool = False  # --forwarded-allow-ips was given: client addresses come from X-Forwarded-For
    metrics_token: str = ""  # /metrics wants this bearer token; empty: only loopback and private addresses may ask
    s3: S3Settings | None = None  # photos and media in this bucket; media_dir then only stages uploads
    mail: MailConfig | None = None  # None: no account emails (then email_verification must be off)
    # New accounts confirm their address before they may sync. Off only on a one-machine server without mail.
    email_verification: bool = True

    def __post_init__(self) -> None:
        if self.email_verification and self.mail is None:
            raise ConfigError(f"Set {ENV_PREFIX}SMTP_HOST and {ENV_PREFIX}MAIL_FROM: new accounts confirm their "
                              "email address before they sync. (A one-machine server may instead set "
                              f"{ENV_PREFIX}EMAIL_VERIFICATION=off.)")
        if len(self.secret) < _MIN_SECRET_CHARS:
            raise ConfigError(f"{ENV_PREFIX}SECRET must be at least {_MIN_SECRET_CHARS} characters "
                              "(e.g. the output of `python -c 'import secrets; print(secrets.token_hex(32))'`).")
        if not self.public_url.startswith(("http://", "https://")):
            raise ConfigError(f"{ENV_PREFIX}PUBLIC_URL must start with http:// or https:// (got {self.public_url!r}).")
        _check_reachable(self.public_url)

    @property
    def public_base(self) -> str:
        """``public_url`` without a trailing slash, for building links."""
        return self.public_url.rstrip("/")


def pool_size_for(connections: int, workers: int) -> int:
    """Each worker's share of the instance's database connection budget (at least 2, or ConfigError)."""
    share = connections // max(workers, 1)
    if share < 2:
        raise ConfigError(f"{ENV_PREFIX}DB_CONNECTIONS={connections} is too few for {workers} workers: each needs "
                          "at least 2 connections. Raise it (and PostgreSQL's max_connections) or use fewer workers.")
    return share


def _check_reachable(public_url: str) -> None:
    if urlsplit(public_url).hostname in _BIND_ADDRESSES:
        raise ConfigError(f"{ENV_PREFIX}PUBLIC_URL names a listening address ({public_url}), not one sellers "
                          "and platforms can reach; set it to the service's public https:// address.")


def check_production(secret: str, public_url: str) -> None:
    """What a service on the internet must have: a random secret and an https:// address (plain http only on
    this machine's loopback)."""
    if len(set(secret)) < _MIN_SECRET_DISTINCT:
        raise ConfigError(f"{ENV_PREFIX}SECRET looks made up, not random (only {len(set(secret))} different "
                          "characters); use the output of `python -c 'import secrets; print(secrets.token_hex(32))'`.")
    _check_reachable(public_url)
    parts = urlsplit(public_url)
    if parts.scheme != "https" and parts.hostname not in _LOOPBACK_HOSTS:
        raise ConfigError(f"{ENV_PREFIX}PUBLIC_URL must be an https:// address in production (got {public_url!r}): "
                          "tokens and photos would cross the network in the clear.")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be a whole number (got {raw!r}).") from None


def _providers(env: Mapping[str, str]) -> dict[str, ProviderConfig]:
    providers = {}
    for name in PROVIDERS:
        key = ENV_PREFIX + name.upper() + "_"
        base = default_provider(name, env.get(key + "APP_ID", ""), env.get(key + "APP_SECRET", ""))
        scopes = env.get(key + "SCOPES")
        providers[name] = replace(
            base,
            authorize_url=env.get(key + "AUTHORIZE_URL") or base.authorize_url,
            token_url=env.get(key + "TOKEN_URL") or base.token_url,
            exchange_url=env.get(key + "EXCHANGE_URL") or base.exchange_url,
            scopes=tuple(scopes.replace(",", " ").split()) if scopes else base.scopes,
        )
    return providers


def _local_secret(data_dir: Path) -> str:
    """The secret kept in the data dir of a one-machine server, made on first start (owner-only file).

    Written to a temporary file and linked into place, so instances starting together on one data dir agree on
    one secret and none reads a half-written file.
    """
    path = data_dir / "server-secret"
    if not path.exists():
        fd, temp = tempfile.mkstemp(dir=data_dir, prefix=".server-secret-")  # created 0600
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another instance was first; use its secret
        finally:
            os.unlink(temp)
    return path.read_text(encoding="ascii").strip()


def _s3(env: Mapping[str, str]) -> S3Settings | None:
    bucket = env.get(ENV_PREFIX + "S3_BUCKET", "")
    if not bucket:
        return None
    endpoint = env.get(ENV_PREFIX + "S3_ENDPOINT_URL", "")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"{ENV_PREFIX}S3_ENDPOINT_URL must start with http:// or https:// (got {endpoint!r}).")
    path_style = env.get(ENV_PREFIX + "S3_PATH_STYLE", "1" if endpoint else "0")
    if path_style not in ("0", "1"):
        raise ConfigError(f"{ENV_PREFIX}S3_PATH_STYLE must be 0 or 1 (got {path_style!r}).")
    return S3Settings(bucket=bucket, endpoint_url=endpoint, region=env.get(ENV_PREFIX + "S3_REGION", ""),
                      path_style=path_style == "1")


def _mail(env: Mapping[str, str]) -> MailConfig | None:
    host = env.get(ENV_PREFIX + "SMTP_HOST", "")
    if not host:
        return None
    security = env.get(ENV_PREFIX + "SMTP_SECURITY", "starttls")
    return MailConfig(host=host, port=_int(env, "SMTP_PORT", 465 if security == "tls" else 587),
                      sender=env.get(ENV_PREFIX + "MAIL_FROM", ""), username=env.get(ENV_PREFIX + "SMTP_USERNAME", ""),
                      password=env.get(ENV_PREFIX + "SMTP_PASSWORD", ""), security=security)


def _email_verification(env: Mapping[str, str], one_machine: bool, mail: MailConfig | None) -> bool:
    """On unless turned off; only a one-machine server (--data-dir) may turn it off, and there it starts off
    when no SMTP server is set (nobody could receive the email)."""
    raw = env.get(ENV_PREFIX + "EMAIL_VERIFICATION", "").strip().lower()
    if raw not in ("", "on", "off"):
        raise ConfigError(f"{ENV_PREFIX}EMAIL_VERIFICATION must be on or off (got {raw!r}).")
    if raw == "off" and not one_machine:
        raise ConfigError(f"{ENV_PREFIX}EMAIL_VERIFICATION=off is only for a one-machine server (--data-dir): "
                          "a service on the internet confirms new accounts' addresses.")
    if raw == "":
        return mail is not None or not one_machine
    return raw == "on"


def config_from_env(env: Mapping[str, str], data_dir: Path | None = None, port: int = 8765) -> ServerConfig:
    """The configuration from environment variables, with a local data dir filling in what is not set.

    With ``data_dir`` the service needs nothing else (SQLite file, media folder and secret inside it).
    Without it — production — ``DATABASE_URL``, ``SELLERDESK_SERVER_SECRET``, ``SELLERDESK_SERVER_PUBLIC_URL``
    and ``SELLERDESK_SERVER_MEDIA_DIR`` (or ``SELLERDESK_SERVER_S3_BUCKET``) must be given, because several
    instances must agree on them. With a bucket, the media folder only stages uploads (a private temporary folder
    if unset).
    """
    if data_dir is not None:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # database, secret and photos: owner only
    database_url = env.get("DATABASE_URL") or (f"sqlite:///{data_dir / 'server.db'}" if data_dir else "")
    secret = env.get(ENV_PREFIX + "SECRET") or (_local_secret(data_dir) if data_dir else "")
    public_url = env.get(ENV_PREFIX + "PUBLIC_URL") or (f"http://127.0.0.1:{port}" if data_dir else "")
    s3 = _s3(env)
    media_dir = env.get(ENV_PREFIX + "MEDIA_DIR") or (str(data_dir / "media") if data_dir else "")
    if s3 is not None and not media_dir:
        media_dir = tempfile.mkdtemp(prefix="sellerdesk-uploads-")  # uploads staged on their way to the bucket
    missing = [name for name, value in (("DATABASE_URL", database_url), (ENV_PREFIX + "SECRET", secret),
                                        (ENV_PREFIX + "PUBLIC_URL", public_url),
                                        (ENV_PREFIX + "MEDIA_DIR", media_dir)) if not value]
    if missing:
        raise ConfigError(f"Set {', '.join(missing)}, or start with --data-dir DIR for a one-machine server.")
    if data_dir is None:
        check_production(secret, public_url)
    mail = _mail(env)
    workers = _int(env, "WORKERS", 1)
    pool_size = _int(env, "DB_POOL_SIZE", 0) or pool_size_for(_int(env, "DB_CONNECTIONS", DEFAULT_DB_CONNECTIONS),
                                                              workers)
    defaults, cost = Limits(), PasswordCost()
    return ServerConfig(
        database_url=database_url,
        secret=secret,
        public_url=public_url,
        media_dir=Path(media_dir),
        limits=replace(defaults,
                       access_ttl_seconds=_int(env, "ACCESS_TTL_SECONDS", defaults.access_ttl_seconds),
                       max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", defaults.max_upload_bytes),
                       account_quota_bytes=_int(env, "ACCOUNT_QUOTA_BYTES", defaults.account_quota_bytes),
                       login_failures_per_account=_int(env, "LOGIN_FAILURES_PER_ACCOUNT",
                                                       defaults.login_failures_per_account),
                       login_failures_per_address=_int(env, "LOGIN_FAILURES_PER_ADDRESS",
                                                       defaults.login_failures_per_address),
                       registrations_per_address=_int(env, "REGISTRATIONS_PER_ADDRESS",
                                                      defaults.registrations_per_address),
                       push_per_minute=_int(env, "PUSH_PER_MINUTE", defaults.push_per_minute),
                       push_burst=_int(env, "PUSH_BURST", defaults.push_burst),
                       pull_per_minute=_int(env, "PULL_PER_MINUTE", defaults.pull_per_minute),
                       pull_burst=_int(env, "PULL_BURST", defaults.pull_burst)),
        password_cost=replace(cost,
                              time_cost=_int(env, "ARGON2_TIME_COST", cost.time_cost),
                              memory_kib=_int(env, "ARGON2_MEMORY_KIB", cost.memory_kib),
                              concurrent_hashes=_int(env, "CONCURRENT_HASHES", cost.concurrent_hashes)),
        providers=_providers(env),
        db_pool_size=pool_size,
        expose_api_docs=env.get(ENV_PREFIX + "API_DOCS", "") == "1",
        housekeeping_seconds=_int(env, "HOUSEKEEPING_SECONDS", 600),
        metrics_token=env.get(ENV_PREFIX + "METRICS_TOKEN", ""),
        trusts_proxy=bool(env.get(ENV_PREFIX + "FORWARDED_ALLOW_IPS", "")),
        s3=s3,
        mail=mail,
        email_verification=_email_verification(env, data_dir is not None, mail),
    )
