"""``sellerdesk platforms ...``: list, connect, test, disconnect, choose preferences, publish, import sales."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import timedelta
from typing import Any

from core.cli import json_parent, print_json, print_table
from core.db.types import utcnow
from core.errors import ValidationError
from core.i18n import _, format_duration
from core.platforms import service
from core.platforms.base import ConnectOptions, Platform
from core.platforms.connect_form import apply_connect_form, connect_form, normalise_shop
from core.platforms.connections import list_statuses
from core.platforms.specs import get_spec


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``platforms`` command group."""
    platforms = sub.add_parser("platforms", help="connect and use selling platforms")
    psub = platforms.add_subparsers(dest="action", required=True)

    p = psub.add_parser("list", parents=[json_parent()], help="every platform with its connection status")
    p.set_defaults(handler=_list)

    p = psub.add_parser("connect", parents=[json_parent()], help="connect a platform (browser sign-in or token)")
    p.add_argument("name")
    p.add_argument("--shop", metavar="DOMAIN", help="the store address, e.g. mystore.myshopify.com (Shopify)")
    p.add_argument("--client-id", metavar="ID",
                   help="your app's id: Etsy keystring, Shopify Dev Dashboard client ID, or your own "
                        "Facebook/Instagram/Pinterest app id")
    p.add_argument("--login", choices=("instagram", "facebook"),
                   help="Instagram only: sign in with Instagram Login or Facebook Login (the account linked to a Page)")
    p.add_argument("--token-stdin", action="store_true",
                   help="read an older Shopify custom app's Admin API token (shpat_…) from stdin")
    p.add_argument("--secret-stdin", action="store_true",
                   help="read the app's secret from stdin (Etsy shared secret, Shopify client secret, …), "
                        "replacing a stored one")
    p.add_argument("--no-browser", action="store_true", help="print the sign-in address instead of opening it")
    p.set_defaults(handler=_connect)

    p = psub.add_parser("test", parents=[json_parent()], help="check that a connection still works")
    p.add_argument("name")
    p.set_defaults(handler=_test)

    p = psub.add_parser("disconnect", parents=[json_parent()], help="forget a platform's credentials")
    p.add_argument("name")
    p.set_defaults(handler=_disconnect)

    p = psub.add_parser("prefs", parents=[json_parent()], help="show or set a platform's choices (KEY=VALUE)")
    p.add_argument("name")
    p.add_argument("values", nargs="*", metavar="KEY=VALUE", help="a choice to store; KEY= removes it")
    p.add_argument("--options", action="store_true", help="list what the platform offers for each choice")
    p.set_defaults(handler=_prefs)

    p = psub.add_parser("publish", parents=[json_parent()], help="publish a product with its approved copy")
    p.add_argument("product_id", type=int)
    p.add_argument("name")
    p.set_defaults(handler=_publish)

    p = psub.add_parser("publish-catalog", parents=[json_parent()],
                        help="Meesho: publish products as the designs of one catalog (2 to 9, 3-4 recommended) "
                             "through the supplier panel")
    p.add_argument("name", choices=("meesho",))
    p.add_argument("--products", required=True, metavar="IDS", help="product ids of the designs, e.g. 4,5,6")
    p.add_argument("--catalog-name", help="the catalog's name (default: the first design's title)")
    p.set_defaults(handler=_publish_catalog)

    p = psub.add_parser("check", parents=[json_parent()],
                        help="open a portal's pages (Meesho, Snapdeal, IndiaMART) without submitting anything and "
                             "report which of its data file's selectors are found or missing")
    p.add_argument("name")
    p.set_defaults(handler=_check)

    p = psub.add_parser("export-template", parents=[json_parent()],
                        help="fill a portal's bulk upload Excel template (Meesho, Snapdeal) from products, with "
                             "their photos alongside")
    p.add_argument("name")
    p.add_argument("--category", required=True, help="the template's category (listed when unknown)")
    p.add_argument("--products", required=True, metavar="IDS", help="product ids, e.g. 4,5,6 (Meesho: the designs "
                                                                    "of one catalog)")
    p.add_argument("--out", default=".", help="folder for the workbook and its images/ folder")
    p.add_argument("--template", help="the category's template downloaded from the panel (filled in a copy)")
    p.add_argument("--catalog-name", help="Meesho: the catalog's name (default: the first design's title)")
    p.set_defaults(handler=_export_template)

    p = psub.add_parser("review", parents=[json_parent()],
                        help="check the portal's review (Meesho QC) of listings still in it; a rejection shows "
                             "the portal's reason")
    p.add_argument("name")
    p.set_defaults(handler=_review)

    p = psub.add_parser("leads", parents=[json_parent()],
                        help="IndiaMART: the last 7 days' buyer enquiries from the Lead Manager API (this tests "
                             "the CRM key)")
    p.add_argument("name", choices=("indiamart",))
    p.add_argument("--check", action="store_true", help="only say whether the CRM key works")
    p.add_argument("--key-stdin", action="store_true",
                   help="read a new CRM key from stdin; it is stored only once IndiaMART accepts it")
    p.set_defaults(handler=_leads)

    p = psub.add_parser("sales", parents=[json_parent()], help="import a platform's recent sales")
    p.add_argument("name")
    p.add_argument("--days", type=int, help="how far back (default: as far as the platform allows)")
    p.set_defaults(handler=_sales)


def _secrets(app: Any) -> Any:
    """The keychain, asking on the terminal for the encrypted file's passphrase when it needs one."""
    from core.secrets import SecretStore

    def ask() -> str | None:
        if not sys.stdin.isatty():
            return None
        return getpass.getpass("Passphrase for SellerDesk's encrypted secrets file: ")

    return SecretStore(app.data_dir, db=app.db, ask_passphrase=ask)


def _open(app: Any, name: str) -> Platform:
    from core.platforms.registry import open_platform

    get_spec(name)  # an unknown name is refused before anything opens
    return open_platform(app, name, secrets=_secrets(app))


def _list(args: argparse.Namespace, app: Any) -> int:
    statuses = list_statuses(app.db)
    if app.json:
        print_json([s.to_json() for s in statuses])
        return 0
    print_table([{"name": s.name, "kind": s.kind, "status": s.summary.split(" — ")[0], "sign-in ends": _ends(s)}
                 for s in statuses], ["name", "kind", "status", "sign-in ends"])
    for status in statuses:
        if status.warning and status.enabled:
            sys.stderr.write(_("Warning: {warning}").format(warning=status.warning) + "\n")
    return 0


def _ends(status: Any) -> str:
    if status.state in ("not_connected", "disabled"):
        return ""
    if status.expires_at is None:
        return _("renewed automatically") if status.renews else _("does not expire")
    days = status.days_left or 0
    when = _("today") if days == 0 else format_duration(timedelta(days=days), direction=True, unit="day")
    return f"{status.expires_at.date().isoformat()} ({when})"


def _read_secret(from_stdin: bool, prompt: str) -> str:
    value = sys.stdin.readline() if from_stdin else getpass.getpass(f"{prompt}: ")
    if not value.strip():
        raise ValidationError(_("Nothing was given for: {what}.").format(what=prompt), field="token")
    return value.strip()


def _connect(args: argparse.Namespace, app: Any) -> int:
    spec = get_spec(args.name)
    def show(url: str) -> None:
        sys.stderr.write(_("Sign in to {platform} in your browser. If it does not open, visit:").format(
            platform=spec.display_name) + f"\n{url}\n")

    options = ConnectOptions(on_url=show)
    if args.no_browser:
        options.open_browser = lambda url: False
    if spec.kind == "browser":
        wait = format_duration(float(app.settings.get("browser.sign_in_timeout_seconds")))
        sys.stderr.write(_("Sign in to {platform} in the browser window SellerDesk opens (SellerDesk waits up to "
                           "{wait}, and never sees your OTP).").format(platform=spec.display_name, wait=wait) + "\n")
    options = apply_connect_form(app, args.name, _typed_values(args, app), options)
    with _open(app, args.name) as platform:
        platform.ready_to_connect()
        status = service.connect_platform(app, args.name, options, target=platform)
    from core.publishing.commands import _no_runner_hint
    from core.publishing.resume import resume_paused, resumed_text

    resumed = resume_paused(app, args.name)  # jobs paused for this sign-in (or a CAPTCHA) go on by themselves
    if app.json:
        print_json({**status.to_json(), "resumed_jobs": [job.id for job in resumed]})
    else:
        print(f"{status.display_name}: {status.summary}")
        if resumed:
            print(" ".join(filter(None, (resumed_text(resumed), _no_runner_hint(app)))))
    return 0


def _typed_values(args: argparse.Namespace, app: Any) -> dict[str, str]:
    """The connect form's answers from the flags, asking on the terminal only for what is still missing."""
    form = connect_form(app, args.name)
    fields = {f.key: f for f in form.fields} if form is not None else {}
    values: dict[str, str] = {}
    if args.login is not None:
        if "login" not in fields:
            raise ValidationError(_("{platform} has only one way to sign in.").format(
                platform=get_spec(args.name).display_name), field="login")
        app.settings.set("platforms.instagram.login", args.login)  # before the form: it decides whose app is asked
        form = connect_form(app, args.name)
        fields = {f.key: f for f in form.fields} if form is not None else {}
    if args.shop is not None or args.client_id is not None:
        unknown = [flag for flag, key, given in (("--shop", "shop", args.shop), ("--client-id", "client_id",
                                                                                args.client_id))
                   if given is not None and key not in fields]
        if unknown:
            raise ValidationError(_("{platform} has no {name} to set.").format(
                platform=get_spec(args.name).display_name, name=unknown[0][2:]), field=unknown[0][2:])
        values.update({k: v for k, v in (("shop", args.shop), ("client_id", args.client_id)) if v is not None})
    if "shop" in values:
        values["shop"] = normalise_shop(values["shop"])
    if "shop" in fields and not (values.get("shop") or fields["shop"].value):
        raise ValidationError(_("No store address is set."), field="shop",
                              hint=_("Run: sellerdesk platforms connect shopify --shop mystore.myshopify.com"))
    if "token" in fields and (args.token_stdin or not (values.get("client_id") or fields["client_id"].value)):
        values["token"] = _read_secret(args.token_stdin, fields["token"].label.removeprefix("Or: "))
        return values
    secret = fields.get("app_secret")
    client_id = values.get("client_id", fields["client_id"].value if "client_id" in fields else "")
    if secret is not None and client_id and (args.secret_stdin or not secret.stored):
        values["app_secret"] = _read_secret(args.secret_stdin, secret.label)
    return values


def _test(args: argparse.Namespace, app: Any) -> int:
    with _open(app, args.name) as platform:
        status = service.verify_connection(app, args.name, target=platform)
    if app.json:
        print_json(status.to_json())
    else:
        print(_("{platform} works: {summary}").format(platform=status.display_name, summary=status.summary))
        if status.expiry_reason:
            print(_("Sign-in: {reason}.").format(reason=status.expiry_reason))
    return 0


def _disconnect(args: argparse.Namespace, app: Any) -> int:
    with _open(app, args.name) as platform:
        status = service.disconnect_platform(app, args.name, target=platform)
    if app.json:
        print_json(status.to_json())
    else:
        print(_("{platform}: disconnected (its credentials were removed from this computer)").format(
            platform=status.display_name))
    return 0


def _parse_value(raw: str) -> Any:
    if raw == "":
        return None
    if raw[:1] in "{[":
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ValidationError(_("{value} is not valid JSON.").format(value=repr(raw)), field="value") from None
    return raw


def _prefs(args: argparse.Namespace, app: Any) -> int:
    get_spec(args.name)
    values: dict[str, Any] = {}
    for item in args.values:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ValidationError(_("{item} is not KEY=VALUE.").format(item=repr(item)), field="values")
        values[key] = _parse_value(raw)
    prefs = service.save_preferences(app, args.name, values) if values else service.current_preferences(app, args.name)
    fields = []
    if args.options:
        with _open(app, args.name) as platform:
            fields = service.preference_fields(app, args.name, target=platform)
    if app.json:
        print_json({"preferences": prefs, "options": [
            {"key": f.key, "label": f.label, "required": f.required, "help": f.help,
             "choices": [{"value": c.value, "label": c.label} for c in f.choices]} for f in fields]})
        return 0
    for key, value in sorted(prefs.items()):
        print(f"{key} = {value}")
    for f in fields:
        print(f"\n{f.label} ({f.key}){' — ' + f.help if f.help else ''}:")
        for choice in f.choices:
            print(f"  {choice.value}  {choice.label}")
    return 0


def _publish(args: argparse.Namespace, app: Any) -> int:
    from core.platforms.publish import publish_listing

    with _open(app, args.name) as platform:
        result = publish_listing(app, args.product_id, args.name, target=platform)
    if app.json:
        print_json({"remote_id": result.remote_id, "url": result.url, "state": result.state,
                    "images": result.image_count})
    else:
        print(_("Published #{id} on {platform} ({state}): {link}").format(
            id=args.product_id, platform=get_spec(args.name).display_name, state=result.state, link=result.url))
    return 0


def _product_ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValidationError(_("{text} is not a list of product ids like 4,5,6.").format(text=repr(text)),
                              field="products") from None


def _publish_catalog(args: argparse.Namespace, app: Any) -> int:
    from core.platforms.browser.catalog import publish_catalog

    ids = _product_ids(args.products)
    with _open(app, args.name) as platform:
        made = publish_catalog(app, args.name, ids, catalog_name=args.catalog_name, target=platform)
    if app.json:
        print_json([{"product_id": pid, "remote_id": r.remote_id, "url": r.url, "state": r.state,
                     "images": r.image_count} for pid, r in made])
    else:
        name = get_spec(args.name).display_name
        print(_("Published a catalog of {count} designs on {platform}:").format(count=len(made), platform=name))
        for pid, result in made:
            print(f"  #{pid} {result.remote_id} ({result.state}): {result.url}")
    return 0


def _check(args: argparse.Namespace, app: Any) -> int:
    from core.platforms.browser.check import check_platform, report_lines

    check = check_platform(app, args.name)
    if app.json:
        print_json({"platform": args.name, "ok": check.ok, "folder": str(check.folder),
                    "pages": [{"page": p.page, "found": list(p.found), "missing": list(p.missing),
                               "not_checked": list(p.later), "problem": p.problem} for p in check.pages]})
    else:
        print("\n".join(report_lines(check)))
    return 0 if check.ok else 1


def _export_template(args: argparse.Namespace, app: Any) -> int:
    from pathlib import Path

    from core.platforms.browser.templates import export_template

    ids = _product_ids(args.products)
    done = export_template(app, args.name, args.category, ids, Path(args.out),
                           template=Path(args.template) if args.template else None, catalog_name=args.catalog_name)
    if app.json:
        print_json({"workbook": str(done.workbook), "images": str(done.images), "products": done.products,
                    "photos": done.photos, "filled_template": done.filled_template})
    else:
        print(_("Wrote {products} products to {workbook} and {photos} photos to {folder}. Upload both in the "
                "{platform} panel's bulk upload.").format(products=done.products, workbook=done.workbook,
                                                          photos=done.photos, folder=done.images,
                                                          platform=get_spec(args.name).display_name))
    return 0


def _review(args: argparse.Namespace, app: Any) -> int:
    from core.platforms.browser.review import check_platform_reviews

    reviews = check_platform_reviews(app, args.name)
    if app.json:
        print_json([{"product_id": r.product_id, "sku": r.sku, "remote_id": r.remote_id, "state": r.state,
                     "status": r.status, "reason": r.reason} for r in reviews])
    else:
        for review in reviews:
            print(review.describe(args.name))
        if not reviews:
            print(_("No {platform} listing is waiting for its review.").format(
                platform=get_spec(args.name).display_name))
    return 0


def _leads(args: argparse.Namespace, app: Any) -> int:
    from core.platforms.browser.indiamart_leads import key_works_text, read_leads
    from core.publishing.timezones import format_local, seller_zone

    key = _read_secret(True, "IndiaMART CRM key") if args.key_stdin else None
    leads = read_leads(app, key, secrets=_secrets(app))
    if app.json:
        print_json({"key_works": True, "leads": [] if args.check else [
            {"query_id": lead.query_id, "time": lead.when.isoformat(), "buyer": lead.buyer, "product": lead.product,
             "message": lead.message, "city": lead.city} for lead in leads]})
        return 0
    print(key_works_text(leads))
    if not args.check and leads:
        zone = seller_zone(app.settings.get("general.timezone"))
        print_table([{"time": format_local(lead.when, zone), "buyer": lead.buyer, "product": lead.product,
                      "message": lead.message} for lead in leads], ["time", "buyer", "product", "message"])
    return 0


def _sales(args: argparse.Namespace, app: Any) -> int:
    since = utcnow() - timedelta(days=args.days) if args.days else None
    with _open(app, args.name) as platform:
        report = service.import_sales(app, args.name, since=since, target=platform)
    if app.json:
        print_json({"platform": report.platform, "new": report.new, "known": report.known})
    else:
        print(_("{platform}: {new} new sales imported, {known} already known").format(
            platform=get_spec(args.name).display_name, new=report.new, known=report.known))
    return 0
