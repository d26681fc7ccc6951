"""``sellerdesk listings …``, ``stock set``, ``sales sync`` and ``engagement sync``: keeping live listings true."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from core.cli import json_parent, print_json, print_table
from core.i18n import N_, _

_PATIENCE = timedelta(minutes=2)  # like `publish`: wait through retries due this soon


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the four groups (each once, however often they are registered)."""
    present = set(sub.choices)
    if "listings" not in present:
        group = sub.add_parser("listings", help="where each product is live, and keeping it true")
        lsub = group.add_subparsers(dest="action", required=True)
        p = lsub.add_parser("list", parents=[json_parent()], help="every listing and post")
        p.add_argument("--product", type=int, help="only this product's")
        p.add_argument("--platform", help="only this platform's")
        p.add_argument("--waiting", action="store_true", help="only those waiting for you")
        p.set_defaults(handler=_list)
        p = lsub.add_parser("show", parents=[json_parent()], help="one listing")
        p.add_argument("id", type=int)
        p.set_defaults(handler=_show)
        for name, text, handler in (("update", "send the product's changes to these listings now", _update),
                                    ("take-down", "take these listings off sale (or hide the posts)", _take_down)):
            p = lsub.add_parser(name, parents=[json_parent()], help=text)
            p.add_argument("ids", type=int, nargs="+", metavar="ID")
            p.add_argument("--no-wait", action="store_true", help="queue it and return at once")
            p.set_defaults(handler=handler)
        p = lsub.add_parser("repost", parents=[json_parent()], help="post a product again on a social platform")
        p.add_argument("id", type=int, metavar="ID", help="the listing (post) to post again")
        p.add_argument("--at", metavar="ISO8601", help="when (default: now)")
        p.set_defaults(handler=_repost)
    if "stock" not in present:
        group = sub.add_parser("stock", help="one stock count per product, kept in step everywhere")
        ssub = group.add_subparsers(dest="action", required=True)
        p = ssub.add_parser("set", parents=[json_parent()], help="set a product's stock (its listings follow)")
        p.add_argument("product_id", type=int)
        p.add_argument("quantity", type=int)
        p.add_argument("--no-wait", action="store_true", help="queue the listing changes and return at once")
        p.set_defaults(handler=_stock_set)
    for name, what, handler in (("sales", "sales", _sales_sync), ("engagement", "likes, comments and reach",
                                                                  _engagement_sync)):
        if name not in present:
            group = sub.add_parser(name, help=f"fetch {what} from the platforms")
            gsub = group.add_subparsers(dest="action", required=True)
            p = gsub.add_parser("sync", parents=[json_parent()], help=f"fetch {what} now")
            p.add_argument("--platform", action="append", help="only this platform (repeatable)")
            p.set_defaults(handler=handler)


def _print_listings(app: Any, listings: list[Any]) -> None:
    from core.platforms.specs import display_name
    from core.publishing.timezones import format_local, seller_zone

    zone = seller_zone(app.settings.get("general.timezone"))
    print_table([{"id": x.id, "product": f"#{x.product_id} {x.product_title}", "platform": display_name(x.platform),
                  "state": x.status_text, "since": format_local(x.published_at, zone),
                  "detail": x.open_job or x.note or x.url or ""} for x in listings],
                ["id", "product", "platform", "state", "since", "detail"])


def _list(args: argparse.Namespace, app: Any) -> int:
    from core.listings.store import list_listings

    listings = list_listings(app.db, product_id=args.product, platform=args.platform, pending_only=args.waiting)
    if app.json:
        print_json([x.to_json() for x in listings])
    elif listings:
        _print_listings(app, listings)
    else:
        print(_("No listings yet: a product gets one on each platform it is published to (sellerdesk publish ID)."))
    return 0


def _show(args: argparse.Namespace, app: Any) -> int:
    from core.listings.store import get_listing
    from core.publishing.timezones import format_local, seller_zone

    x = get_listing(app.db, args.id)
    if app.json:
        print_json(x.to_json())
        return 0
    zone = seller_zone(app.settings.get("general.timezone"))
    print(_("Listing #{id}: {listing} — {status}").format(id=x.id, listing=x.label, status=x.status_text))
    for label, value in ((N_("address"), x.url), (N_("on the platform as"), x.remote_id),
                         (N_("published"), format_local(x.published_at, zone)), (N_("last change"), x.note),
                         (N_("on its way"), x.open_job), (N_("engagement"), x.engagement_error)):
        if value:
            print(f"  {_(label)}: {value}")
    return 0


def carry_out(app: Any, jobs: list[Any], *, wait: bool = True, report: bool = True) -> int:
    """Tell the seller which follow-up jobs were queued, and (unless another SellerDesk publishes, or ``wait`` is
    off) send them now and report each outcome. 0 when every one went through. ``report`` off: a command that has
    printed its own JSON adds none."""
    from core.publishing.service import Publisher, wait_settled

    if not jobs:
        return 0
    if not app.json:
        for job in jobs:
            print(_("Queued: {post}").format(post=job.label))
    if not wait:
        return 0
    publisher = Publisher(app)
    if not publisher.start():
        publisher.stop()
        if not app.json:
            print(_("Another SellerDesk on this computer is publishing; it sends these changes."))
        return 0
    ids = {job.id for job in jobs}
    try:
        done = wait_settled(publisher, ids, _PATIENCE)
    except KeyboardInterrupt:
        sys.stderr.write("sellerdesk: " + _("stopped waiting; the changes stay queued and go out with the next run.")
                         + "\n")
        publisher.stop()
        return 130
    publisher.stop()
    if app.json:
        if report:
            print_json({"jobs": [j.to_json() for j in done]})
    else:
        from core.publishing.states import state_word

        for job in done:
            outcome = state_word(job.state) if job.state != "published" else _("done")
            print(f"{job.label}: {outcome}. {job.last_error or ''} {job.next_step or job.note or ''}".rstrip())
    return 0 if all(j.state == "published" for j in done) else 1


def follow_product_changes(app: Any, *, wait: bool = True, report: bool = True) -> int:
    """After an edit, a delete or a stock change: queue what the product's listings need, then :func:`carry_out`."""
    from core.listings.plan import queue_follow_ups

    planned = queue_follow_ups(app)
    if not app.json:
        for text in planned.waiting:
            print(_("Waiting for you: {what} (see: sellerdesk listings list --waiting)").format(what=text))
    return carry_out(app, planned.jobs, wait=wait, report=report)


def settle_and_follow(app: Any) -> int:
    """After sales were recorded (by hand, from a CSV): take them off stock, say what moved, and carry the new
    counts to every listing."""
    from core.listings.polling import settle_changes
    from core.listings.stock import describe

    changes = settle_changes(app)
    if not app.json:
        for change in changes:
            print(describe(change, app.db))
    return follow_product_changes(app, report=False)


def _request(args: argparse.Namespace, app: Any, action: Any) -> int:
    from core.listings.plan import request

    return carry_out(app, request(app, list(args.ids), action), wait=not args.no_wait)


def _update(args: argparse.Namespace, app: Any) -> int:
    return _request(args, app, "update")


def _take_down(args: argparse.Namespace, app: Any) -> int:
    return _request(args, app, "take_down")


def _repost(args: argparse.Namespace, app: Any) -> int:
    from core.errors import ValidationError
    from core.listings.store import get_listing
    from core.platforms.specs import display_name, get_spec
    from core.publishing.service import Publisher
    from core.publishing.timezones import parse_when

    listing = get_listing(app.db, args.id)
    if not get_spec(listing.platform).capabilities.posts:
        raise ValidationError(_("{platform} listings are updated in place, not posted again.").format(
            platform=display_name(listing.platform)), field="listing", hint=f"sellerdesk listings update {listing.id}")
    publisher = Publisher(app)
    when: Any = "now" if args.at is None else parse_when(args.at, publisher.zone).utc
    result = publisher.schedule([listing.product_id], [listing.platform], when, repost=True)
    if app.json:
        print_json({"jobs": [j.to_json() for j in result.jobs], "skipped": result.skipped, "notes": result.notes})
    else:
        for text in result.notes:  # e.g. the platform's sign-in ends before the post's time
            print(_("Note: {note}").format(note=text))
        for job in result.jobs:
            print(_("Post again: {post} (job #{id}); it goes out while SellerDesk's window or "
                    "'sellerdesk run-scheduler' is running.").format(post=job.label, id=job.id))
        for text in result.skipped:
            print(_("Skipped {what}.").format(what=text))
    return 0 if result.jobs else 1


def _stock_set(args: argparse.Namespace, app: Any) -> int:
    from core.listings.stock import describe, set_stock

    change = set_stock(app.db, args.product_id, args.quantity)
    if not app.json:
        print(describe(change, app.db))
    return follow_product_changes(app, wait=not args.no_wait)


def _sync(args: argparse.Namespace, app: Any, kind: str) -> int:
    from core.listings.polling import sync_engagement, sync_sales
    from core.platforms.connections import platform_status
    from core.platforms.specs import all_specs

    capable = [name for name, spec in sorted(all_specs().items())
               if (spec.capabilities.sales if kind == "sales" else spec.capabilities.engagement)]
    names = args.platform or [n for n in capable if platform_status(app.db, n).state in ("connected", "expiring")]
    results = [(sync_sales if kind == "sales" else sync_engagement)(app, name) for name in names]
    if app.json:
        print_json([{"platform": r.platform, "new": r.new, "error": r.error, "stock": list(r.stock)}
                    for r in results])
    elif not results:
        print(_("No connected platform reports sales. Connect one with: sellerdesk platforms connect NAME")
               if kind == "sales" else
               _("No connected platform reports engagement. Connect one with: sellerdesk platforms connect NAME"))
    else:
        for result in results:
            print(result.text)
    failed = any(r.error for r in results)
    if kind == "sales" and not failed:
        return follow_product_changes(app)
    return 1 if failed else 0


def _sales_sync(args: argparse.Namespace, app: Any) -> int:
    return _sync(args, app, "sales")


def _engagement_sync(args: argparse.Namespace, app: Any) -> int:
    return _sync(args, app, "engagement")

