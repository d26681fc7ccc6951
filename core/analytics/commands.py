"""``sellerdesk analytics ...``: record and import sales, summarise a period, export, rate cards, currency rates."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from core.cli import counted, json_parent, print_json, print_table
from core.i18n import N_, _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``analytics`` command group."""
    analytics = sub.add_parser("analytics", help="sales, costs and engagement: what sells where")
    asub = analytics.add_subparsers(dest="action", required=True)

    p = asub.add_parser("add-sale", parents=[json_parent()], help="record a sale made elsewhere (WhatsApp, walk-in)")
    p.add_argument("--platform", required=True, help="where it sold, e.g. offline, whatsapp, instagram")
    p.add_argument("--sku", help="the product's SKU")
    p.add_argument("--product-id", type=int, help="the product's id (instead of --sku)")
    p.add_argument("--amount", required=True, help="what the buyer paid for the whole line, e.g. 1,299.50")
    p.add_argument("--quantity", default="1")
    p.add_argument("--currency", help="ISO code (default: the general.currency setting)")
    p.add_argument("--fees", default="0", help="fees paid on this sale")
    p.add_argument("--kind", default="sale", choices=["sale", "refund", "lead"])
    p.add_argument("--buyer")
    p.add_argument("--when", help="YYYY-MM-DD or 'YYYY-MM-DD HH:MM' in your time zone (default: now)")
    p.add_argument("--order-id", help="your own id for it (default: one made from the sale's facts)")
    p.set_defaults(handler=_add_sale)

    p = asub.add_parser("import-sales", parents=[json_parent()], help="import sales from a CSV file")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=_import)

    p = asub.add_parser("summary", parents=[json_parent()], help="revenue, profit and engagement for a period")
    _period_args(p)
    p.add_argument("--currency", help="show money in this currency (default: general.currency)")
    p.add_argument("--no-convert", action="store_true", help="keep every currency apart, even with a rate set")
    p.add_argument("--compare", choices=["before", "last-month", "last-year"],
                   help="compare with the days just before (default), or the same dates last month or last year "
                        "(the default for a period from 1 January to today)")
    p.set_defaults(handler=_summary)

    p = asub.add_parser("export", parents=[json_parent()], help="write sales to a CSV file")
    p.add_argument("file", type=Path)
    p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: every sale)")
    p.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
    p.set_defaults(handler=_export)

    costs = asub.add_parser("costs", help="what each platform costs: commission, listing fees, ad spend")
    csub = costs.add_subparsers(dest="costs_action", required=True)
    p = csub.add_parser("set", parents=[json_parent()], help="set a platform's rate card (and record ad spend)")
    p.add_argument("platform")
    p.add_argument("--commission-percent", help="commission on each sale, e.g. 6.5")
    p.add_argument("--listing-fee", help="fee per unit sold, e.g. 16")
    p.add_argument("--currency", help="currency of the fees (default: general.currency)")
    p.add_argument("--ad-spend", help="money spent on ads, recorded for --on")
    p.add_argument("--on", help="day of the ad spend, YYYY-MM-DD (default: today)")
    p.set_defaults(handler=_costs_set)
    p = csub.add_parser("list", parents=[json_parent()], help="rate cards and ad spend")
    p.set_defaults(handler=_costs_list)
    p = csub.add_parser("remove-ad-spend", help="delete an ad spend entry (its number is in 'costs list')")
    p.add_argument("entry_id", type=int)
    p.set_defaults(handler=_costs_remove_ad)

    rates = asub.add_parser("rates", help="your own currency rates (amounts are never converted without one)")
    rsub = rates.add_subparsers(dest="rates_action", required=True)
    p = rsub.add_parser("set", parents=[json_parent()], help="show CURRENCY amounts converted at RATE")
    p.add_argument("currency")
    p.add_argument("rate", help="1 CURRENCY = RATE of your currency, e.g. 83.25")
    p.add_argument("--to", dest="base", help="the currency converted into (default: general.currency)")
    p.set_defaults(handler=_rates_set)
    p = rsub.add_parser("list", parents=[json_parent()], help="the rates you set")
    p.set_defaults(handler=_rates_list)
    p = rsub.add_parser("remove", help="stop converting a currency")
    p.add_argument("currency")
    p.set_defaults(handler=_rates_remove)


def _period_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 30 days ago)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")


def _today(app: Any) -> date:
    from core.analytics.periods import zone

    return datetime.now(zone(app.settings.get("general.timezone"))).date()


def _period(args: argparse.Namespace, app: Any, default_days: int = 30) -> Any:
    from core.analytics.periods import Period, parse_day

    end = parse_day(args.end, "to") if args.end else _today(app)
    start = parse_day(args.start, "from") if args.start else end - timedelta(days=default_days - 1)
    compare = getattr(args, "compare", None)
    if compare is None:  # the year so far is compared with the same dates last year, as in the window
        compare = "last-year" if (start.month, start.day) == (1, 1) and end.year == start.year and end < date(
            end.year, 12, 31) else "before"
    return Period(start, end, compare)


def _add_sale(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.csvio import parse_when
    from core.analytics.periods import zone
    from core.analytics.sales import SaleRecord, parse_amount, parse_quantity, record_sale
    from core.db.types import utcnow
    from core.products.fields import parse_currency

    currency = parse_currency(args.currency or app.settings.get("general.currency"))
    tz = zone(app.settings.get("general.timezone"))
    record = SaleRecord(
        platform=args.platform, external_id=args.order_id or "",
        occurred_at=parse_when(args.when, tz) if args.when else utcnow().replace(microsecond=0),
        amount=parse_amount(args.amount, currency), currency=currency, quantity=parse_quantity(args.quantity),
        fees=parse_amount(args.fees, currency, "fees"), product_sku=args.sku, product_id=args.product_id,
        kind=args.kind, buyer=args.buyer)
    external_id, new = record_sale(app.db, record)
    if app.json:
        print_json({"external_id": external_id, "added": new})
    elif new:
        print(_("Recorded {kind} {id}.").format(kind=_(_KINDS[args.kind]), id=external_id))
    else:
        print(_("That {kind} was already recorded ({id}); nothing was added.").format(kind=_(_KINDS[args.kind]),
                                                                                     id=external_id))
    from core.listings.commands import settle_and_follow

    return settle_and_follow(app)


_KINDS = {"sale": N_("sale"), "refund": N_("refund"), "lead": N_("lead")}  # --kind's words, as the seller reads them


def _import(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.csvio import import_sales_csv

    report = import_sales_csv(app.db, args.file, timezone=app.settings.get("general.timezone"),
                              default_currency=app.settings.get("general.currency"))
    if app.json:
        print_json(report.to_json())
    else:
        for problem in report.problems:
            print(_("{file}, line {line}: {problem} (row skipped)").format(file=args.file.name, line=problem.line,
                                                                            problem=problem.message))
        imported = _("Imported {added} new sales; {updated} corrected, {unchanged} already there; skipped "
                     "{skipped} rows.") if report.problems else \
            _("Imported {added} new sales; {updated} corrected, {unchanged} already there.")
        print(imported.format(added=report.added, updated=report.updated, unchanged=report.unchanged,
                              skipped=len(report.problems)))
    from core.listings.commands import settle_and_follow

    followed = settle_and_follow(app)
    return 1 if report.problems else followed


def _summary(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.summary import summarize

    summary = summarize(app.db, _period(args, app), timezone=app.settings.get("general.timezone"),
                        currency=(args.currency or app.settings.get("general.currency")).upper(),
                        convert=not args.no_convert)
    if app.json:
        print_json(summary.to_json())
        return 0
    _print_summary(summary, app.settings.get("general.locale"))
    return 0


def _pct(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) < 0.0005:
        return _("no change")
    return f"{'↑' if value > 0 else '↓'} {abs(value) * 100:.1f}%"


def _print_summary(summary: Any, locale: str) -> None:
    from core.money import format_money

    main, before, code = summary.main(), summary.previous_main(), summary.currency
    period, previous = summary.period, summary.previous_period
    print(_("{start} to {end} ({zone}), against {previous_start} to {previous_end}").format(
        start=period.start, end=period.end, zone=summary.timezone, previous_start=previous.start,
        previous_end=previous.end))
    if not summary.totals:
        print(_("No sales in this period. Record one with: sellerdesk analytics add-sale --platform offline "
                "--sku SKU --amount 499, or import a CSV with: sellerdesk analytics import-sales FILE.csv"))
        return
    changes = summary.changes()
    rows = [
        (N_("Revenue"), format_money(main.revenue, code, locale), format_money(before.revenue, code, locale),
         changes["revenue"]),
        (N_("Orders"), f"{main.orders:,}", f"{before.orders:,}", changes["orders"]),
        (N_("Units"), f"{main.units:,}", f"{before.units:,}", changes["units"]),
        (N_("Refunds"), format_money(main.refunds, code, locale), format_money(before.refunds, code, locale), None),
        (N_("Fees and ads"), format_money(main.fees + main.ad_spend, code, locale),
         format_money(before.fees + before.ad_spend, code, locale), None),
        (N_("Cost of goods"), format_money(main.cogs, code, locale), format_money(before.cogs, code, locale), None),
        (N_("Profit"), format_money(main.profit, code, locale), format_money(before.profit, code, locale),
         changes["profit"]),
        (N_("Leads"), f"{main.leads:,}", f"{before.leads:,}", None),
    ]
    print_table([{"figure": _(name), "this period": now, "previous": then, "change": _pct(delta)}
                 for name, now, then, delta in rows], ["figure", "this period", "previous", "change"])
    for other, figures in summary.other_currencies().items():
        orders = counted(figures.orders, N_("{count} order"), N_("{count} orders"))
        print(_("Also {amount} revenue in {currency} ({orders}), kept apart: set a rate with 'sellerdesk analytics "
                "rates set {currency} RATE'.").format(amount=format_money(figures.revenue, other, locale),
                                                      currency=other, orders=orders))
    print()
    platform_rows = []
    for p in summary.platforms:
        for currency, f in p.figures.items():
            platform_rows.append({
                "platform": p.platform, "revenue": format_money(f.revenue, currency, locale), "orders": f.orders,
                "costs": format_money(f.costs, currency, locale), "profit": format_money(f.profit, currency, locale),
                "roi": "" if f.roi is None else f"{f.roi:.2f}",
                "engagement": "" if p.engagement.rate is None else f"{p.engagement.rate * 100:.1f}%",
                "conversion": "" if p.conversion is None else f"{p.conversion * 100:.2f}%"})
    print_table(platform_rows, ["platform", "revenue", "orders", "costs", "profit", "roi", "engagement",
                                "conversion"])
    if summary.products:
        print()
        from core.analytics.figures import change

        print_table([{"product": p.title, "sku": p.sku or "", "revenue": format_money(p.revenue, p.currency, locale),
                      "units": p.units, "change": _pct(change(p.revenue, p.previous_revenue)),
                      "profit": format_money(p.profit, p.currency, locale) + (" " + _("(cost unknown)")
                                                                              if p.uncosted_units else "")}
                     for p in summary.products[:10]], ["product", "sku", "revenue", "units", "change", "profit"])
    if main.uncosted_units:
        print("\n" + _("{units} units sold have no cost price, so profit leaves their cost out. Add one: sellerdesk "
                       "products edit ID --cost 250 (or Your cost in the product's form).").format(
            units=f"{main.uncosted_units:,}"))


def _export(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.csvio import export_sales_csv

    period = _period(args, app) if args.start or args.end else None
    count = export_sales_csv(app.db, args.file, timezone=app.settings.get("general.timezone"), period=period)
    if app.json:
        print_json({"exported": count, "file": str(args.file)})
    else:
        print(_("Wrote {count} sales to {file}").format(count=count, file=args.file))
    return 0


def _costs_set(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.costs import add_ad_spend, parse_percent, set_rate_card
    from core.analytics.periods import parse_day
    from core.analytics.sales import parse_amount
    from core.errors import ValidationError
    from core.products.fields import parse_currency

    currency = parse_currency(args.currency or app.settings.get("general.currency"))
    if args.commission_percent is None and args.listing_fee is None and args.ad_spend is None:
        raise ValidationError(_("Nothing to set."), hint=_("Give --commission-percent, --listing-fee or --ad-spend."))
    result: dict[str, Any] = {}
    if args.commission_percent is not None or args.listing_fee is not None:
        commission = parse_percent(args.commission_percent) if args.commission_percent is not None else None
        fee = parse_amount(args.listing_fee, currency, "listing fee") if args.listing_fee is not None else None
        card = set_rate_card(app.db, args.platform, commission_percent=commission, listing_fee=fee, currency=currency)
        result["rate_card"] = card.to_json()
        if not app.json:
            print(_("{platform}: {percent}% commission, listing fee {fee} {currency} per unit sold.").format(
                platform=card.platform, percent=card.commission_percent, fee=card.listing_fee,
                currency=card.currency))
    if args.ad_spend is not None:
        day = parse_day(args.on, "on") if args.on else _today(app)
        entry = add_ad_spend(app.db, args.platform, parse_amount(args.ad_spend, currency, "ad spend"), currency, day)
        result["ad_spend"] = entry.to_json()
        if not app.json:
            print(_("{platform}: recorded {amount} {currency} of ad spend on {day}.").format(
                platform=entry.platform, amount=entry.amount, currency=entry.currency, day=entry.spent_on))
    if app.json:
        print_json(result)
    return 0


def _costs_remove_ad(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.costs import remove_ad_spend

    gone = remove_ad_spend(app.db, args.entry_id)
    print(_("Removed the ad spend of {amount} {currency} on {platform} on {day}.").format(
        amount=gone.amount, currency=gone.currency, platform=gone.platform, day=gone.spent_on))
    return 0


def _costs_list(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.costs import ad_spend, rate_cards

    cards, spend = rate_cards(app.db), ad_spend(app.db)
    if app.json:
        print_json({"rate_cards": [c.to_json() for c in cards.values()], "ad_spend": [e.to_json() for e in spend]})
        return 0
    if not cards and not spend:
        print(_("No costs yet. Set a rate card with: sellerdesk analytics costs set etsy --commission-percent 6.5"))
        return 0
    print_table([c.to_json() for c in cards.values()], ["platform", "commission_percent", "listing_fee", "currency"])
    if spend:
        print()
        print_table([e.to_json() for e in spend], ["id", "spent_on", "platform", "amount", "currency", "note"])
    return 0


def _rates_set(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.rates import parse_rate, set_rate

    base = (args.base or app.settings.get("general.currency")).upper()
    rate = set_rate(app.db, args.currency, parse_rate(args.rate), base)
    if app.json:
        print_json({"currency": args.currency.upper(), "base": base, "rate": str(rate)})
    else:
        print(_("1 {currency} = {rate} {base} from now on in summaries and charts.").format(
            currency=args.currency.upper(), rate=rate, base=base))
    return 0


def _rates_list(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.rates import rates_to

    base = app.settings.get("general.currency")
    rates = rates_to(app.db, base)
    if app.json:
        print_json([{"currency": c, "base": base, "rate": str(r)} for c, r in rates.items()])
    elif rates:
        print_table([{"currency": c, "rate": f"1 {c} = {r} {base}"} for c, r in rates.items()], ["currency", "rate"])
    else:
        print(_("No rates set: amounts in other currencies are shown apart from {base}.").format(base=base))
    return 0


def _rates_remove(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.rates import remove_rate

    base = app.settings.get("general.currency")
    if remove_rate(app.db, args.currency, base):
        print(_("{currency} is no longer converted into {base}.").format(currency=args.currency.upper(), base=base))
    else:
        print(_("There was no rate from {currency} to {base}.").format(currency=args.currency.upper(), base=base))
    return 0
