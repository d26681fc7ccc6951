"""``sellerdesk publish``, ``jobs ...`` and ``run-scheduler``: publishing from the command line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from datetime import timedelta
from types import FrameType
from typing import Any

from core.cli import json_parent, print_json, print_table
from core.i18n import N_, _

WAIT_PATIENCE = timedelta(minutes=2)  # `publish` without --at waits through retries due this soon
_COMMANDS = ("publish", "jobs", "run-scheduler")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``publish``, ``jobs`` and ``run-scheduler`` (each once, however often the groups are registered)."""
    present = set(sub.choices)
    if "publish" not in present:
        p = sub.add_parser("publish", parents=[json_parent()], help="publish a product now, or schedule it")
        p.add_argument("product_id", type=int)
        p.add_argument("--platform", action="append", required=True, metavar="NAME|all",
                       help="a platform, or 'all' for every platform with approved copy (repeatable)")
        p.add_argument("--at", metavar="ISO8601|best",
                       help="when: e.g. 2026-12-05T18:30 (your local time) or 2026-12-05T13:00Z; 'best' picks "
                            "each platform's best time. Without --at: publish now and wait")
        p.set_defaults(handler=_publish)
    if "jobs" not in present:
        jobs = sub.add_parser("jobs", help="scheduled, published and failed posts")
        jsub = jobs.add_subparsers(dest="action", required=True)
        p = jsub.add_parser("list", parents=[json_parent()], help="every publish job")
        p.add_argument("--state", action="append", help="only jobs in this state (repeatable)")
        p.add_argument("--platform", help="only jobs for this platform")
        p.set_defaults(handler=_list)
        p = jsub.add_parser("show", parents=[json_parent()], help="one job with its history")
        p.add_argument("id", type=int)
        p.set_defaults(handler=_show)
        for name, text, handler in (("retry", "try a failed or stuck job again now", _retry),
                                    ("cancel", "cancel a job that has not gone out", _cancel),
                                    ("move", "publish another computer's scheduled post from this computer instead",
                                     _move)):
            p = jsub.add_parser(name, parents=[json_parent()], help=text)
            p.add_argument("id", type=int)
            p.set_defaults(handler=handler)
    if "run-scheduler" not in present:
        p = sub.add_parser("run-scheduler", help="publish scheduled posts without the window (Ctrl+C stops)")
        p.set_defaults(handler=_run_scheduler)


def _when_text(job: Any, zone: Any) -> str:
    from core.publishing.timezones import format_local

    return format_local(job.published_at or job.due, zone)


def _detail(job: Any) -> str:
    return job.note or job.next_step or (job.remote_url if job.state == "published" else "") or ""


def _print_jobs(app: Any, jobs: list[Any], zone: Any) -> None:
    from core.platforms.specs import display_name
    from core.publishing.states import LABELS

    print_table([{"id": j.id, "product": f"#{j.product_id} {j.product_title}", "platform": display_name(j.platform),
                  "state": _("Held back") if j.held_back else _(LABELS[j.state]), "when": _when_text(j, zone),
                  "computer": _computer(j), "detail": _detail(j)} for j in jobs],
                ["id", "product", "platform", "state", "when", "computer", "detail"])


def _computer(job: Any) -> str:
    """Which of the seller's computers publishes ``job``, and a move under way."""
    where = job.owner_name or _("this computer")
    return f"{where} → {job.moving_to}" if job.moving_to else where


def _no_runner_hint(app: Any) -> str:
    from core.publishing.lock import RunnerLock

    if RunnerLock(app.data_dir).taken_elsewhere():
        return ""
    return _("It goes out while SellerDesk's window or 'sellerdesk run-scheduler' is running.")


def _publish(args: argparse.Namespace, app: Any) -> int:
    from core.publishing.service import Publisher
    from core.publishing.timezones import format_local, parse_when

    publisher = Publisher(app)
    zone = publisher.zone
    if args.at is not None:
        when: Any = "best" if args.at.strip().lower() == "best" else parse_when(args.at, zone)
        notes = [] if when == "best" or not when.message else [when.message]
        result = publisher.schedule([args.product_id], args.platform, when if when == "best" else when.utc)
        if app.json:
            print_json({"jobs": [j.to_json() for j in result.jobs], "skipped": result.skipped,
                        "notes": notes + result.notes})
        else:
            for text in notes + result.notes:
                print(_("Note: {note}").format(note=text))
            for job in result.jobs:
                print(_("Scheduled {post} for {time} (job #{id}).").format(
                    post=job.label, time=format_local(job.scheduled_at, zone), id=job.id))
            for text in result.skipped:
                print(_("Skipped {what}.").format(what=text))
            if result.jobs:
                print(_no_runner_hint(app) or _("SellerDesk sends it at that time."))
        return 0 if result.jobs and not result.skipped else 1
    return _publish_now(args, app, publisher)


def _publish_now(args: argparse.Namespace, app: Any, publisher: Any) -> int:
    from core.publishing.service import wait_settled

    mine: set[int] = set()
    shown: set[str] = set()  # lines already printed as progress, so the summary does not repeat them

    def show(event: Any) -> None:
        # By product, not job id: a worker may report before schedule() has returned the ids.
        if event.kind == "job" and event.job is not None and event.job.product_id == args.product_id \
                and not app.json:
            shown.add(event.message)
            print(event.message, flush=True)

    publisher.add_observer(show)
    if not publisher.start() and not app.json:
        print(_("Another SellerDesk on this computer is publishing; it sends these posts and this command waits."))
    try:
        result = publisher.schedule([args.product_id], args.platform, "now")
        mine.update(j.id for j in result.jobs)
        for text in result.skipped:
            if not app.json:
                print(_("Skipped {what}.").format(what=text))
        for text in result.notes:  # e.g. a photo in which the product fills too little of Snapdeal's picture
            if not app.json:
                print(_("Note: {note}").format(note=text))
        jobs = wait_settled(publisher, mine, WAIT_PATIENCE)
    except KeyboardInterrupt:
        sys.stderr.write("sellerdesk: " + _("stopped waiting; the posts stay queued and go out with the next run.")
                         + "\n")
        publisher.stop()
        return 130
    publisher.stop()
    if app.json:
        print_json({"jobs": [j.to_json() for j in jobs], "skipped": result.skipped})
    else:
        from core.publishing.states import state_word

        for job in jobs:
            outcome = _("published: {link}").format(link=job.remote_url or job.remote_id) \
                if job.state == "published" else \
                f"{state_word(job.state)}: {job.last_error or ''} {job.next_step or job.note or ''}"
            line = f"{job.label}: {outcome.strip()}"
            if line not in shown:
                print(line)
    return 0 if jobs and all(j.state == "published" for j in jobs) and not result.skipped else 1


def _list(args: argparse.Namespace, app: Any) -> int:
    from core.publishing.jobs import list_jobs
    from core.publishing.timezones import seller_zone

    jobs = list_jobs(app.db, states=args.state, platform=args.platform)
    if app.json:
        print_json([j.to_json() for j in jobs])
    elif jobs:
        _print_jobs(app, jobs, seller_zone(app.settings.get("general.timezone")))
    else:
        print(_("No publish jobs yet. Publish with: sellerdesk publish PRODUCT_ID --platform all [--at WHEN]"))
    return 0


def _show(args: argparse.Namespace, app: Any) -> int:
    from core.publishing.jobs import get_job, job_events
    from core.publishing.states import state_word
    from core.publishing.timezones import format_local, seller_zone

    job, events = get_job(app.db, args.id), job_events(app.db, args.id)
    if app.json:
        print_json({**job.to_json(), "events": [{"at": e.at.isoformat(), "from": e.from_state, "to": e.to_state,
                                                 "message": e.message} for e in events]})
        return 0
    zone = seller_zone(app.settings.get("general.timezone"))
    print(_("Job #{id}: {post} — {state}").format(id=job.id, post=job.label, state=state_word(job.state)))
    for label, value in ((N_("scheduled for"), format_local(job.scheduled_at, zone)),
                         (N_("published"), format_local(job.published_at, zone)), (N_("listing"), job.remote_url),
                         (N_("computer"), _computer(job) if job.owner_name or job.moving_to else None),
                         (N_("status"), job.note), (N_("problem"), job.last_error), (N_("next step"), job.next_step)):
        if value:
            print(f"  {_(label)}: {value}")
    print(_("History:"))
    for event in events:
        print(f"  {format_local(event.at, zone)}  {state_word(event.from_state)} → {state_word(event.to_state)}: "
              f"{event.message}")
    return 0


def _act(args: argparse.Namespace, app: Any, action: str) -> int:
    from core.publishing.service import Publisher

    publisher = Publisher(app)
    job = getattr(publisher, action)(args.id)
    if app.json:
        print_json(job.to_json())
    elif action == "retry":
        retried = _("Job #{id} ({post}) will be tried again now.").format(id=job.id, post=job.label)
        print(" ".join(filter(None, (retried, _no_runner_hint(app)))))
    else:
        print(_("Cancelled job #{id} ({post}).").format(id=job.id, post=job.label))
    return 0


def _retry(args: argparse.Namespace, app: Any) -> int:
    return _act(args, app, "retry")


def _cancel(args: argparse.Namespace, app: Any) -> int:
    return _act(args, app, "cancel")


def _move(args: argparse.Namespace, app: Any) -> int:
    from core.publishing.jobs import get_job
    from core.sync.moves import request_move

    owner = request_move(app.db, args.id)
    job = get_job(app.db, args.id)
    if app.json:
        print_json(job.to_json())
    else:
        print(_("Asked {computer} to hand job #{id} ({post}) over to this computer. {computer} keeps publishing it "
                "until it has synced and handed it over (a post that has started or gone out stays there); this "
                "computer publishes it from then on. Sync now with: sellerdesk sync now").format(
            computer=owner, id=job.id, post=job.label))
    return 0


def _run_scheduler(args: argparse.Namespace, app: Any) -> int:
    from core.publishing.service import Publisher

    publisher = Publisher(app)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    def show(event: Any) -> None:
        if event.kind != "progress":
            print(f"{time.strftime('%H:%M:%S')}  {event.message}", flush=True)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    publisher.add_observer(show)
    try:
        publisher.start()
        print(_("Publishing from {folder}; Ctrl+C stops.").format(folder=app.data_dir), flush=True)
        while not stop.wait(0.5):
            pass
        print(_("Stopping: attempts under way may finish first…"), flush=True)
        finished = publisher.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(_("Stopped.") if finished else _("Stopped; an unfinished attempt is checked at the next start."), flush=True)
    return 0
