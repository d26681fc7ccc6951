"""Settings: one declared schema (resources/settings.toml), the seller's values, env overrides."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import StorageError, ValidationError
from core.fileio import atomic_write_text
from core.i18n import N_, _
from core.paths import resources_dir

SETTINGS_FILE = "settings.json"
ENV_PREFIX = "SELLERDESK_"

_TYPES: dict[str, type[Any]] = {"str": str, "int": int, "float": float, "bool": bool}
_TYPE_WORDS = {"str": N_("text"), "int": N_("a whole number"), "float": N_("a number"),
               "bool": N_("yes or no (true or false)")}


@dataclass(frozen=True)
class SettingSpec:
    """One declared setting: its key, type, default, description and optional limits."""

    key: str
    type: str
    default: Any
    description: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default_from: str | None = None  # "system_timezone": the default is this computer's, found at each read

    def coerce(self, raw: Any) -> Any:
        """Turn ``raw`` (a string from the CLI/env, or a typed value) into this setting's type, or refuse."""
        value: Any
        try:
            if self.type == "bool":
                value = _parse_bool(raw)
            elif isinstance(raw, str) and self.type != "str":
                value = _TYPES[self.type](raw.strip())
            elif self.type == "float" and isinstance(raw, int) and not isinstance(raw, bool):
                value = float(raw)
            else:
                value = raw
        except ValueError:
            raise self._refused(_("{key} must be {kind}, not {value}."), raw, kind=_(_TYPE_WORDS[self.type])) from None
        if not isinstance(value, _TYPES[self.type]) or (self.type != "bool" and isinstance(value, bool)):
            raise self._refused(_("{key} must be {kind}, not {value}."), raw, kind=_(_TYPE_WORDS[self.type]))
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise self._refused(_("{key} must be one of {allowed}, not {value}."), raw, allowed=allowed)
        if self.minimum is not None and value < self.minimum:
            raise self._refused(_("{key} must be at least {limit}, not {value}."), raw, limit=f"{self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise self._refused(_("{key} must be at most {limit}, not {value}."), raw, limit=f"{self.maximum:g}")
        return value

    def _refused(self, template: str, raw: Any, **values: str) -> ValidationError:
        # the key leads the sentence in every language: the Settings window puts the field's label in its place
        return ValidationError(template.format(key=self.key, value=repr(raw), **values), field=self.key)

    @property
    def env_name(self) -> str:
        """The environment variable that overrides this setting."""
        return ENV_PREFIX + self.key.upper().replace(".", "__")


@dataclass(frozen=True)
class SettingValue:
    """A setting's effective value and where it came from (default, file or env)."""

    spec: SettingSpec
    value: Any
    source: str


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


@lru_cache(maxsize=1)
def schema() -> dict[str, SettingSpec]:
    """Load the declared settings schema from ``resources/settings.toml``."""
    with (resources_dir() / "settings.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    specs: dict[str, SettingSpec] = {}
    for key, entry in raw.items():
        choices = entry.get("choices")
        specs[key] = SettingSpec(
            key=key,
            type=entry["type"],
            default=entry["default"],
            description=entry["description"],
            choices=tuple(choices) if choices is not None else None,
            minimum=entry.get("min"),
            maximum=entry.get("max"),
            default_from=entry.get("default_from"),
        )
    return specs


class Settings:
    """The seller's settings in one data dir: declared defaults, stored values, environment overrides."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SETTINGS_FILE
        self._stored = self._load()

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StorageError(
                f"The settings file {self.path} cannot be read ({exc}).",
                hint="Fix or delete it; SellerDesk then starts with default settings.",
            ) from exc
        if not isinstance(data, dict):
            raise StorageError(f"The settings file {self.path} is not a JSON object.", hint="Delete it.")
        return data

    def spec(self, key: str) -> SettingSpec:
        """The declared spec of ``key``; unknown keys are refused with the closest suggestions."""
        try:
            return schema()[key]
        except KeyError:
            prefix = key.split(".")[0]
            near = [k for k in schema() if k.startswith(prefix + ".")][:5]
            hint = (_("Known keys like it: {keys}.").format(keys=", ".join(near)) if near
                    else _("Run 'sellerdesk config list'."))
            raise ValidationError(_("There is no setting called {key}.").format(key=repr(key)), field=key,
                                  hint=hint) from None

    def resolve(self, key: str) -> SettingValue:
        """The effective value of ``key`` with its source."""
        spec = self.spec(key)
        env = os.environ.get(spec.env_name)
        if env is not None:
            return SettingValue(spec, spec.coerce(env), "env")
        if key in self._stored:
            try:
                return SettingValue(spec, spec.coerce(self._stored[key]), "file")
            except ValidationError:
                pass  # a hand-edited bad value falls back to the default rather than breaking start-up
        if spec.default_from == "system_timezone":
            from core.preferences.zones import system_zone

            return SettingValue(spec, system_zone(), "system")
        return SettingValue(spec, spec.default, "default")

    def get(self, key: str) -> Any:
        """The effective value of ``key``."""
        return self.resolve(key).value

    def set(self, key: str, raw: Any) -> Any:
        """Validate and store ``raw`` for ``key``; returns the stored typed value."""
        from core.preferences.checks import check

        value = check(key, self.spec(key).coerce(raw))
        self._stored[key] = value
        self._save()
        return value

    def unset(self, key: str) -> None:
        """Return ``key`` to its default."""
        self.spec(key)
        if self._stored.pop(key, None) is not None:
            self._save()

    def changed(self) -> dict[str, Any]:
        """Only the values the seller changed (what settings.json holds)."""
        return dict(self._stored)

    def all(self) -> list[SettingValue]:
        """Every declared setting with its effective value, sorted by key."""
        return [self.resolve(key) for key in sorted(schema())]

    def _save(self) -> None:
        atomic_write_text(self.path, json.dumps(self._stored, indent=2, sort_keys=True) + "\n")
