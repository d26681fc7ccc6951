"""Secrets the seller types in (API keys, app secrets): checked, stored in the keychain, never shown again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import ValidationError
from core.i18n import _
from core.preferences.layout import SECRETS, SecretField

if TYPE_CHECKING:
    from core.secrets.store import SecretStore

MIN_LENGTH = 8  # every key and secret these services issue is longer; shorter is a slip of the paste


def secret_field(name: str) -> SecretField:
    """The secret called ``name`` (e.g. ``etsy:shared_secret``), or a message listing the ones there are."""
    for field in SECRETS:
        if field.name == name:
            return field
    raise ValidationError(_("There is no secret called {name} to set.").format(name=repr(name)), field="name",
                          hint=_("Secrets you can set: {names}.").format(names=", ".join(f.name for f in SECRETS)))


def clean_secret(name: str, raw: str) -> str:
    """The pasted value without surrounding spaces, or a plain message about why it cannot be right."""
    field = secret_field(name)
    value = raw.strip()
    if not value:
        raise ValidationError(_("{label}: nothing was entered.").format(label=_(field.place.label)), field=name,
                              hint=_("Paste the whole value, or press Remove to forget the stored one."))
    if any(ch.isspace() for ch in value):
        raise ValidationError(_("{label}: the value has a space or line break inside, so it was pasted together "
                                "with something else.").format(label=_(field.place.label)), field=name,
                              hint=_("Copy only the key itself and paste it again."))
    if len(value) < MIN_LENGTH:
        raise ValidationError(_("{label}: {count} characters is too short to be a whole key.").format(
            label=_(field.place.label), count=len(value)), field=name, hint=_("Copy all of it and paste it again."))
    return value


def store_secret(store: SecretStore, name: str, raw: str) -> None:
    """Check ``raw`` and keep it in the keychain under ``name`` (replacing any earlier value)."""
    store.set(name, clean_secret(name, raw))


def forget_secret(store: SecretStore, name: str) -> None:
    """Remove the secret called ``name`` from the keychain."""
    secret_field(name)
    store.delete(name)


def stored_secrets(store: SecretStore) -> dict[str, bool]:
    """Which of the settable secrets are stored (each read is in the audit log; no value leaves this function)."""
    return {field.name: bool(store.get(field.name)) for field in SECRETS}
