"""Secrets (tokens, API keys, passwords): in the OS keychain, or an encrypted file where there is none."""

from core.secrets.store import PASSPHRASE_ENV, SERVICE, SecretStore, SecretsUnavailable
from core.secrets.vault import SecretsLocked

__all__ = ["PASSPHRASE_ENV", "SERVICE", "SecretStore", "SecretsLocked", "SecretsUnavailable"]
