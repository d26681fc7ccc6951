"""The application context: one data dir, its settings, its database. Shared by the CLI and the desktop."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import StorageError
from core.paths import resolve_data_dir
from core.settings import Settings

if TYPE_CHECKING:
    from core.db.database import Database
    from core.db.reads import ReadOnly
    from core.images.store import ImageStore
    from core.secrets.store import SecretStore


def ensure_data_dir(path: Path) -> Path:
    """Create ``path`` if needed and prove it is writable; refuse with a clear reason otherwise."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"The data dir {path} cannot be created ({exc.strerror}).",
            hint="Choose another with --data-dir or SELLERDESK_DATA_DIR.",
        ) from exc
    if not path.is_dir():
        raise StorageError(f"The data dir {path} is a file, not a folder.", hint="Choose another with --data-dir.")
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise StorageError(
            f"The data dir {path} is read-only ({exc.strerror}).",
            hint="Fix its permissions, or choose another with --data-dir.",
        ) from exc
    return path


class App:
    """Everything a command or a window needs: the data dir, settings, and (opened on first use) the database."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, *, json_output: bool = False) -> None:
        self.data_dir = ensure_data_dir(resolve_data_dir(data_dir))
        self.settings = Settings(self.data_dir)
        from core.i18n import use_language
        from core.money import use_digits

        use_language(str(self.settings.get("general.language")))  # messages from here on, window and commands
        use_digits(str(self.settings.get("general.digits")))
        self.json = json_output
        # Without a keychain the secrets file needs a passphrase: the window sets a function that asks the seller
        # (SELLERDESK_SECRETS_PASSPHRASE, when set, is used first and nothing is asked).
        self.ask_passphrase: Callable[[], str | None] | None = None
        self._passphrase: str | None = None
        # The write gate: the window's quick start sets this and shows its first frame from read-only reads; the
        # database (every way to write into it) is then handed out only once the whole file has passed its check.
        self.check_before_open = False
        self._checking = threading.Lock()
        self._checked = False

    @cached_property
    def reads(self) -> ReadOnly:
        """A read-only connection to the database file that needs no SQLAlchemy (listings; the first frame)."""
        from core.db import DB_FILE
        from core.db.reads import ReadOnly

        return ReadOnly(self.data_dir / DB_FILE)

    def check_database(self) -> None:
        """The full integrity check (and today's backup) once per process, before the database is opened for
        writing; a thread that asks while another checks waits for that check. Raises DamagedDatabase."""
        from core.trust.housekeeping import check_now

        with self._checking:
            if not self._checked:
                check_now(self.data_dir)
                self._checked = True

    @cached_property
    def db(self) -> Database:
        """The migrated database, opened on first use, with its column-encryption key source attached.

        The first open of the day also checks the whole file, backs it up and empties the bin of what has been
        there 30 days, whichever entry point (window, command, scheduler) opens it. With ``check_before_open`` the
        file is checked first at every start (:meth:`check_database`), and refused, unopened, when damaged.
        """
        if self.check_before_open:
            self.check_database()
        return self._open_db()

    def _open_db(self) -> Database:
        # Imported here: commands that never open the database (images variants, config) skip SQLAlchemy's ~1 s.
        from core.db.crypto import attach_key
        from core.db.database import open_database
        from core.trust.housekeeping import run_daily

        db = open_database(self.data_dir)
        attach_key(db.engine, self._column_key)
        self.__dict__["db"] = db  # run_daily works through app.db
        try:
            run_daily(self)
        except BaseException:
            del self.__dict__["db"]
            db.dispose()
            raise
        return db

    def _column_key(self) -> bytes:
        # Read through a store without the database: this runs inside a flush, where an audit write would deadlock.
        import base64

        from core.db.crypto import KEY_NAME, new_key
        from core.secrets.store import SecretStore

        store = SecretStore(self.data_dir, ask_passphrase=self._asker())
        key = store.get(KEY_NAME)
        if key is None:
            key = new_key()
            store.set(KEY_NAME, key)
        return base64.b64decode(key)

    @cached_property
    def image_store(self) -> ImageStore:
        """The content-addressed store of photos and their platform variants."""
        from core.images.store import ImageStore

        return ImageStore(self.data_dir / "images")

    @cached_property
    def secrets(self) -> SecretStore:
        """Tokens and keys: the OS keychain, or an encrypted file where there is none. Reads are audited."""
        from core.secrets.store import SecretStore

        return SecretStore(self.data_dir, db=self.db, ask_passphrase=self._asker())

    def _asker(self) -> Callable[[], str | None]:
        # Both stores (the database key's and app.secrets) open the same file, so the passphrase is asked once and
        # shared. A store keeps the key it derived, so one that asks again was refused: then the seller is asked anew.
        asked = False

        def ask() -> str | None:
            nonlocal asked
            if asked:
                self._passphrase = None
            asked = True
            if self._passphrase is None and self.ask_passphrase is not None:
                self._passphrase = self.ask_passphrase() or None
            return self._passphrase

        return ask

    @property
    def logs_dir(self) -> Path:
        """Where the rotating log files go."""
        return self.data_dir / "logs"

    @property
    def profiles_dir(self) -> Path:
        """Persistent browser profiles for the portals (one per platform)."""
        return self.data_dir / "browser-profiles"

    def close(self) -> None:
        """Release the database connections."""
        if "reads" in self.__dict__:
            self.reads.close()
        if "db" in self.__dict__:
            self.db.dispose()
