"""``sellerdesk products ...``: add, list, show, edit, delete, restore, import and export products."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.cli import json_parent, print_json, print_table
from core.i18n import _
from core.products import listing, marketplace, service

_LIST_COLUMNS = ["id", "title", "price", "currency", "quantity", "sku", "status", "images"]


def _product_fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", help="what buyers see first (a new product with photos: from their names)")
    parser.add_argument("--price", help="e.g. 499 or 1,299.50 (a draft may wait for it)")
    parser.add_argument("--cost", dest="cost_price", help="what one item costs you, for profit (\"\" to clear)")
    parser.add_argument("--currency", help="ISO code (default: the general.currency setting)")
    parser.add_argument("--description")
    parser.add_argument("--quantity", help="items in stock")
    parser.add_argument("--sku")
    parser.add_argument("--category", help="e.g. 'Home > Candles'")
    parser.add_argument("--attr", action="append", dest="attributes", metavar="NAME=VALUE",
                        help="an attribute such as colour=red (repeatable)")
    parser.add_argument("--status", choices=["draft", "ready", "archived"])
    parser.add_argument("--language", choices=["en", "hi", "hinglish"], help="language of the listing copy")
    details = parser.add_argument_group("marketplace details (Legal Metrology, weight, HSN, GST; \"\" clears one)")
    details.add_argument("--mrp", help="maximum retail price on the pack (at least the price)")
    details.add_argument("--net-quantity", dest="net_quantity", help="e.g. '1 N' or '500 g'")
    details.add_argument("--weight", dest="weight_grams", help="packed weight in grams, e.g. 250 or 1.2 kg")
    details.add_argument("--country-of-origin", dest="country_of_origin")
    details.add_argument("--hsn", dest="hsn_code", help="4, 6 or 8 digits (never shown to buyers)")
    details.add_argument("--gst", dest="gst_percent", help="GST %% rate, e.g. 5 or 18 (never shown to buyers)")
    for key in marketplace.LEGAL_KEYS:
        details.add_argument("--" + key.replace("_", "-"), dest=key)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``products`` command group."""
    products = sub.add_parser("products", help="manage products")
    psub = products.add_subparsers(dest="action", required=True)

    p = psub.add_parser("add", parents=[json_parent()], help="add a product")
    _product_fields(p)
    p.add_argument("--image", action="append", default=[], metavar="PATH", help="a photo (repeatable)")
    p.set_defaults(handler=_add)

    p = psub.add_parser("list", parents=[json_parent()], help="list products")
    p.add_argument("--search", default="", help="text in the title, SKU or category")
    p.add_argument("--status", choices=["draft", "ready", "archived"])
    p.add_argument("--platform", help="only products with copy or posts for this platform")
    p.add_argument("--sort", default="id", choices=listing.SORTS)
    p.add_argument("--limit", type=int)
    p.set_defaults(handler=_list)

    p = psub.add_parser("show", parents=[json_parent()], help="show one product")
    p.add_argument("id", type=int)
    p.set_defaults(handler=_show)

    p = psub.add_parser("edit", parents=[json_parent()], help="change a product's fields")
    p.add_argument("id", type=int)
    _product_fields(p)
    p.add_argument("--no-wait", action="store_true",
                   help="queue the changes to the product's live listings and return at once")
    p.set_defaults(handler=_edit)

    p = psub.add_parser("delete", parents=[json_parent()],
                        help="move a product to the bin (undo: restore) and take its listings down")
    p.add_argument("id", type=int)
    p.add_argument("--no-wait", action="store_true", help="queue the take-downs and return at once")
    p.set_defaults(handler=_delete)

    p = psub.add_parser("restore", parents=[json_parent()], help="bring a deleted product back")
    p.add_argument("id", type=int)
    p.set_defaults(handler=_restore)

    p = psub.add_parser("import", parents=[json_parent()], help="add or update products from a CSV file")
    p.add_argument("file", type=Path)
    p.add_argument("--from-start", action="store_true",
                   help="import the whole file again, even if an earlier import of it stopped part-way")
    p.set_defaults(handler=_import)

    p = psub.add_parser("export", parents=[json_parent()], help="write all products to a CSV file")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=_export)


def _values(args: argparse.Namespace) -> dict[str, Any]:
    names = ["title", "price", "currency", "description", "quantity", "sku", "category", "attributes", "status",
             "language", "cost_price", *marketplace.FIELDS]
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _print_product(app: Any, product: service.ProductView) -> None:
    if app.json:
        print_json(product.to_json())
        return
    print(f"#{product.id}  {product.title}")
    print("  " + _("price     {price} {currency}   quantity {quantity}   status {status}").format(
        price=product.price, currency=product.currency, quantity=product.quantity, status=product.status))
    if product.cost_price is not None:
        print("  " + _("cost      {cost} {currency} per item").format(cost=product.cost_price,
                                                                      currency=product.currency))
    if product.sku:
        print("  " + _("sku       {sku}").format(sku=product.sku))
    if product.category:
        print("  " + _("category  {category}").format(category=product.category))
    for key, value in product.attributes.items():
        print(f"  {key}: {value}")
    for key, value in product.details().items():
        if value:
            print(f"  {marketplace.label(key)}: {value}")
    for image in product.images:
        print("  " + _("photo {number}: {name} ({width}×{height} {format})").format(
            number=image.position + 1, name=image.original_name, width=image.width, height=image.height,
            format=image.format))
    if product.description:
        print()
        print(product.description)


def _add(args: argparse.Namespace, app: Any) -> int:
    from core.products.photos import title_from_photos

    values, images = _values(args), [Path(p) for p in args.image]
    if "title" not in values and images:  # start from photos, as in the window
        values["title"] = title_from_photos(images)
    data = service.product_input(values, default_currency=app.settings.get("general.currency"))
    product = service.create_product(app.db, data, images=images, store=app.image_store if images else None)
    if not app.json:
        added = _("Added product #{id}: {title} (a draft: give it a price with --price before listing it)") \
            if product.price == service.NO_PRICE else _("Added product #{id}: {title}")
        print(added.format(id=product.id, title=product.title))
    else:
        print_json(product.to_json())
    return 0


def _list(args: argparse.Namespace, app: Any) -> int:
    rows = listing.list_products(app.db, search=args.search, status=args.status, platform=args.platform,
                                 sort=args.sort, limit=args.limit)
    if app.json:
        print_json(rows)
    elif rows:
        print_table(rows, _LIST_COLUMNS)
    else:
        print(_("No products yet. Add one with: sellerdesk products add --title ... --price ..."))
    return 0


def _show(args: argparse.Namespace, app: Any) -> int:
    _print_product(app, service.get_product(app.db, args.id))
    return 0


def _edit(args: argparse.Namespace, app: Any) -> int:
    from core.listings.commands import follow_product_changes

    product = service.update_product(app.db, args.id, _values(args))
    if app.json:
        print_json(product.to_json())
    else:
        print(_("Saved product #{id}: {title}").format(id=product.id, title=product.title))
    return follow_product_changes(app, wait=not args.no_wait, report=False)


def _delete(args: argparse.Namespace, app: Any) -> int:
    from core.listings.commands import follow_product_changes

    product = service.delete_product(app.db, args.id)
    if app.json:
        print_json({"deleted": product.id})
    else:
        print(_("Moved #{id} {title} to the bin. Undo: sellerdesk products restore {id}").format(
            id=product.id, title=repr(product.title)))
    return follow_product_changes(app, wait=not args.no_wait, report=False)


def _restore(args: argparse.Namespace, app: Any) -> int:
    product = service.restore_product(app.db, args.id)
    if app.json:
        print_json(product.to_json())
    else:
        print(_("Restored #{id} {title}").format(id=product.id, title=repr(product.title)))
    return 0


def _import(args: argparse.Namespace, app: Any) -> int:
    from core.products import csvio

    watcher = _Progress(args.file.name)
    try:
        with watcher.catching_interrupt():
            report = csvio.import_products(app.db, args.file, store=app.image_store, restart=args.from_start,
                                           default_currency=app.settings.get("general.currency"),
                                           progress=watcher.show, cancel=watcher.cancelled)
    except csvio.ImportStopped as exc:
        if app.json:
            print_json(exc.report.to_json())
        else:
            _print_problems(args.file.name, exc.report)
        if not watcher.cancelled():
            raise
        sys.stderr.write(f"sellerdesk: {exc}\n")  # what is stored and how to go on, then Ctrl+C's own exit code
        return 130
    if app.json:
        print_json(report.to_json())
        return 1 if report.problems else 0
    if report.delimiter != ",":
        print(_("{file} has its columns separated by {delimiter}; it was read that way.").format(
            file=args.file.name, delimiter=_(csvio.DELIMITERS[report.delimiter])))
    if report.resumed_after:
        print(_("Continued an earlier import of this file that had stored lines up to {line}.").format(
            line=f"{report.resumed_after:,}"))
    _print_problems(args.file.name, report)
    imported = _("Imported {new} new and updated {updated} products; skipped {skipped} rows.") if report.problems \
        else _("Imported {new} new and updated {updated} products.")
    print(imported.format(new=len(report.created), updated=len(report.updated), skipped=len(report.problems)))
    return 1 if report.problems else 0


class _Progress:
    """Import progress on stderr (about once a second), and Ctrl+C as a clean stop between rows."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._shown = 0.0
        self._stop = False

    def show(self, progress: Any) -> None:
        now = time.monotonic()
        if progress.done < progress.total and now - self._shown < 1.0:
            return
        self._shown = now
        sys.stderr.write(_("{file}: {done} of {total} rows ({new} new, {updated} updated, {skipped} skipped)").format(
            file=self._name, done=f"{progress.done:,}", total=f"{progress.total:,}", new=f"{progress.created:,}",
            updated=f"{progress.updated:,}", skipped=f"{progress.skipped:,}") + "\n")

    def cancelled(self) -> bool:
        return self._stop

    @contextmanager
    def catching_interrupt(self) -> Iterator[None]:
        # Ctrl+C mid-chunk would lose the chunk's work and the report of what is stored; stop between rows instead.
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(_signum: int, _frame: Any) -> None:
            self._stop = True

        previous = signal.signal(signal.SIGINT, stop)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


def _print_problems(name: str, report: Any) -> None:
    for problem in report.problems:
        print(_("{file}, line {line}: {problem} (row skipped)").format(file=name, line=problem.line,
                                                                        problem=problem.message))


def _export(args: argparse.Namespace, app: Any) -> int:
    from core.products import csvio

    count = csvio.export_products(app.db, args.file, store=app.image_store)
    if app.json:
        print_json({"exported": count, "file": str(args.file)})
    else:
        print(_("Wrote {count} products to {file}").format(count=count, file=args.file))
    return 0
