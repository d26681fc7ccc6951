"""Keep the translation catalogs in step with the code: ``python -m core.i18n_catalog``.

Babel extracts every ``_()`` and ``N_()`` string of core/ and desktop/, every setting's description from
``resources/settings.toml`` (shown in the Settings window) and every claim's label from
``resources/content/claims.json`` (shown in the Claims window) and why each platform's sign-in ends
(``auth.expiry`` in ``resources/platforms/*.json``) and the portals' listing steps and field labels (named by a
page check, ``resources/portals/*.json``), into ``resources/locale/sellerdesk.pot``; each
language's ``.po`` is then updated from it (new messages added untranslated, vanished ones dropped). Translators
edit the ``.po`` files (Poedit, or any text editor); ``core.i18n`` reads them directly.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n import DOMAIN
from core.paths import resources_dir

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("hi",)
KEYWORDS = {"_": None, "N_": None}


def template() -> Catalog:
    """Every message the interface shows, with where it comes from."""
    catalog = Catalog(project="SellerDesk", domain=DOMAIN)
    for folder in ("core", "desktop"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            if isinstance(message, str) and message:
                catalog.add(message, locations=[(f"{folder}/{filename}", lineno)])
    with (resources_dir() / "settings.toml").open("rb") as fh:
        for key, entry in tomllib.load(fh).items():
            catalog.add(entry["description"], locations=[(f"resources/settings.toml:{key}", 0)])
    with (resources_dir() / "content" / "claims.json").open("rb") as fh:  # the Claims window lists their labels
        for claim in json.load(fh)["claims"]:
            where = f"resources/content/claims.json:{claim['id']}"
            catalog.add(claim.get("label", claim["id"]), locations=[(where, 0)])
    for path in sorted((resources_dir() / "platforms").glob("*.json")):  # why a sign-in ends (Platforms tab)
        expiry = json.loads(path.read_text(encoding="utf-8")).get("auth", {}).get("expiry") or {}
        for route, text in sorted(expiry.items()):
            catalog.add(text, locations=[(f"resources/platforms/{path.name}:auth.expiry.{route}", 0)])
    for path in sorted((resources_dir() / "portals").glob("*.json")):  # a page check names steps and fields
        portal = json.loads(path.read_text(encoding="utf-8"))
        for n, step in enumerate(portal.get("listing", {}).get("steps", [])):
            where = f"resources/portals/{path.name}:listing.steps.{n}"
            for text in [step.get("name"), *(f.get("label") for f in step.get("fields", []))]:
                if text:
                    catalog.add(text, locations=[(where, 0)])
        for where, text in _portal_words(portal, f"resources/portals/{path.name}:"):
            catalog.add(text, locations=[(where, 0)])
    return catalog


_PORTAL_WORDS = ("step", "open_step", "check_step", "says")  # a failed step's name, what a person must answer


def _portal_words(value: object, where: str) -> list[tuple[str, str]]:
    """The step names and interstitials' words anywhere in a portal data file (a portal's refusals name them)."""
    if isinstance(value, dict):
        found = [(f"{where}{key}", text) for key, text in value.items() if key in _PORTAL_WORDS and text
                 and isinstance(text, str)]
        return found + [w for key, item in value.items() for w in _portal_words(item, f"{where}{key}.")]
    if isinstance(value, list):
        return [w for n, item in enumerate(value) for w in _portal_words(item, f"{where}{n}.")]
    return []


def po_path(language: str) -> Path:
    """Where ``language``'s catalog lives."""
    return resources_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> list[str]:
    """Write the template and update every language's catalog; returns a line per language with its progress."""
    pot = template()
    (resources_dir() / "locale").mkdir(parents=True, exist_ok=True)
    with (resources_dir() / "locale" / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, pot, omit_header=True, sort_output=True)
    report = []
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=language)
        else:
            catalog = Catalog(locale=language, project="SellerDesk", domain=DOMAIN)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, omit_header=True, sort_output=True, width=0)
        done = sum(1 for m in catalog if m.id and m.string)
        report.append(f"{language}: {done} of {len(pot)} messages translated")
    return report


if __name__ == "__main__":
    sys.stdout.write("\n".join(update()) + "\n")
