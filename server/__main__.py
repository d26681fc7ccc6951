"""``python -m server``: run the service (migrating its database first) with uvicorn.

One machine:  python -m server --data-dir ./server-data
Production:   DATABASE_URL=postgresql+psycopg://... SELLERDESK_SERVER_SECRET=... \
              SELLERDESK_SERVER_PUBLIC_URL=https://sync.example.com SELLERDESK_SERVER_MEDIA_DIR=/srv/media \
              python -m server --host 0.0.0.0 --port 8765 --workers 4 --forwarded-allow-ips 10.0.0.1
"""

from __future__ import annotations

import argparse
import logging
import logging.config
import os
import sys
from pathlib import Path

from server.app import DATA_DIR_ENV
from server.config import ENV_PREFIX, ConfigError, config_from_env
from server.db import Database, migrate
from server.logs import log_config


def build_parser() -> argparse.ArgumentParser:
    """The command line (also checked against deploy/sellerdesk-server.service by the tests)."""
    parser = argparse.ArgumentParser(prog="python -m server", description="SellerDesk sync service.")
    parser.add_argument("--data-dir", type=Path, help="keep the SQLite database, media and secret in this folder")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--forwarded-allow-ips", default=os.environ.get(ENV_PREFIX + "FORWARDED_ALLOW_IPS", ""),
                        help="load balancer addresses whose X-Forwarded-For is believed (comma-separated)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, check the configuration, migrate, then serve until interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)

    # Workers build their own app from the environment, so what the command line decided goes there.
    os.environ[ENV_PREFIX + "WORKERS"] = str(args.workers)
    os.environ[ENV_PREFIX + "FORWARDED_ALLOW_IPS"] = args.forwarded_allow_ips
    if args.data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(args.data_dir.resolve())
        # Links must name an address others can reach, never a listening wildcard such as 0.0.0.0.
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host  # noqa: S104
        if ":" in host:
            host = f"[{host}]"
        os.environ.setdefault(ENV_PREFIX + "PUBLIC_URL", f"http://{host}:{args.port}")
    data_dir = os.environ.get(DATA_DIR_ENV)
    try:
        config = config_from_env(os.environ, Path(data_dir) if data_dir else None, args.port)
    except ConfigError as exc:
        print(f"sellerdesk-server: {exc}", file=sys.stderr)
        return 2
    logging.config.dictConfig(log_config(args.log_level))
    db = Database(config.database_url, pool_size=1)
    try:
        migrate(db)
    finally:
        db.close()

    import uvicorn

    uvicorn.run("server.app:app_from_env", factory=True, host=args.host, port=args.port, workers=args.workers,
                access_log=False, server_header=False, log_config=log_config(args.log_level),
                # Longer than load balancers' idle timeout (often 60 s), so they never reuse a connection we closed.
                timeout_keep_alive=75,
                proxy_headers=bool(args.forwarded_allow_ips), forwarded_allow_ips=args.forwarded_allow_ips or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
