"""``sellerdesk content ...``: write, show and check each platform's listing copy; store the Gemini key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli import json_parent, print_json
from core.errors import ValidationError
from core.i18n import _
from core.preferences.layout import place_of


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``content`` command group."""
    content = sub.add_parser("content", help="listing copy for each platform")
    csub = content.add_subparsers(dest="action", required=True)

    p = csub.add_parser("generate", parents=[json_parent()], help="write copy (Gemini, or offline)")
    p.add_argument("product_id", type=int)
    p.add_argument("--platform", action="append", help="only this platform (repeatable; default: all)")
    p.add_argument("--offline", action="store_true", help="use the offline writer even if a Gemini key is set")
    p.add_argument("--language", choices=["en", "hi", "hinglish"], help="write in this language")
    p.add_argument("--replace-edits", action="store_true", help="also rewrite copy you edited by hand")
    p.set_defaults(handler=_generate)

    p = csub.add_parser("generate-many", parents=[json_parent()],
                        help="write copy for several products, with progress (Ctrl+C stops between products)")
    p.add_argument("product_ids", type=int, nargs="*", help="these products (default with --all: every product)")
    p.add_argument("--all", action="store_true", help="every product that is not in the bin")
    p.add_argument("--platform", action="append", help="only this platform (repeatable; default: all)")
    p.add_argument("--offline", action="store_true", help="use the offline writer even if a Gemini key is set")
    p.add_argument("--language", choices=["en", "hi", "hinglish"], help="write in this language")
    p.add_argument("--replace-edits", action="store_true", help="also rewrite copy you edited or approved")
    p.add_argument("--yes", action="store_true", help="start a Gemini run without asking after the estimate")
    p.set_defaults(handler=_generate_many)

    p = csub.add_parser("show", parents=[json_parent()], help="show the stored copy")
    p.add_argument("product_id", type=int)
    p.add_argument("--platform", action="append")
    p.set_defaults(handler=_show)

    p = csub.add_parser("check", parents=[json_parent()], help="list every rule the stored copy breaks")
    p.add_argument("product_id", type=int)
    p.set_defaults(handler=_check)

    p = csub.add_parser("approve", parents=[json_parent()], help="approve a platform's copy for publishing")
    p.add_argument("product_id", type=int)
    p.add_argument("platform")
    p.set_defaults(handler=_approve)

    p = csub.add_parser("edit", parents=[json_parent()], help="change one field of a platform's copy")
    p.add_argument("product_id", type=int)
    p.add_argument("platform")
    p.add_argument("--field", required=True, choices=["title", "description", "bullets", "hashtags", "tags",
                                                      "seo_title", "seo_description"])
    p.add_argument("--value", help="the new text (lists: one item per line; tags may be split by ','); "
                                   "without it, $EDITOR opens the current text")
    p.set_defaults(handler=_edit)

    for action, status, text in (("reject", "rejected", "reject a platform's copy (it will not be published)"),
                                 ("unapprove", "draft", "withdraw an approval or a rejection (back to draft)")):
        p = csub.add_parser(action, parents=[json_parent()], help=text)
        p.add_argument("product_id", type=int)
        p.add_argument("platform")
        p.set_defaults(handler=_status, status=status)

    p = csub.add_parser("claims", parents=[json_parent()],
                        help="the claims flagged unless a product field backs them (handmade, organic...)")
    p.add_argument("change", nargs="?", choices=["add", "on", "off"], help="add a claim, or switch one on or off")
    p.add_argument("claim_id", nargs="?", help="the claim's name, e.g. vegan")
    p.add_argument("phrases", nargs="*", help="with add: the words that make the claim")
    p.set_defaults(handler=_claims)

    p = csub.add_parser("set-key", help="store the Gemini API key in the keychain (read from standard input)")
    p.set_defaults(handler=_set_key)


def _print_draft(platform: str, draft: Any) -> None:
    source = _("edited by you") if draft.edited_by_seller else draft.source
    print(f"== {platform}  [{draft.status}, {source}]")
    if draft.title:
        print(_("title: {title}").format(title=draft.title))
    if draft.description:
        print(draft.description)
    for bullet in draft.bullets:
        print(f"  • {bullet}")
    if draft.hashtags:
        print(" ".join(draft.hashtags))
    if draft.tags:
        print(_("tags: {tags}").format(tags=", ".join(draft.tags)))
    if draft.seo_title or draft.seo_description:
        print(_("search engines: {title} — {description}").format(title=draft.seo_title,
                                                                  description=draft.seo_description))
    if draft.stale:
        print("  ! " + _("Stale: {why}").format(why=draft.stale))
    for violation in draft.violations:
        print(f"  ! {violation.message}")
    for claim in draft.claims:
        print(f"  ? {claim.message}")
    print()


def _generate(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import generate_drafts

    outcome = generate_drafts(app, args.product_id, args.platform, offline=args.offline,
                              force=args.replace_edits, language=args.language)
    if app.json:
        print_json({"writer": outcome.writer, "kept": outcome.kept, "messages": outcome.messages,
                    "drafts": {p: d.to_json() for p, d in outcome.drafts.items()}})
        return 0
    for platform, draft in outcome.drafts.items():
        if not args.platform or platform in args.platform:
            _print_draft(platform, draft)
    print(_("Written by Gemini.") if outcome.writer == "gemini" else _("Written by the offline writer."))
    for message in outcome.messages:
        print(message)
    return 0


def _generate_many(args: argparse.Namespace, app: Any) -> int:
    import threading

    from core.content.bulk import estimate, generate_many
    from core.products.listing import product_ids

    ids = list(dict.fromkeys(args.product_ids)) or (product_ids(app.db) if args.all else [])
    if not ids:
        raise ValidationError(_("Name the products to write copy for, or pass --all."),
                              hint=_("e.g. sellerdesk content generate-many 3 4 7"))
    guess = estimate(app, ids, args.platform, offline=args.offline, language=args.language)
    print(guess.text(), file=sys.stderr if app.json else sys.stdout)
    if guess.calls and not args.yes:
        if not sys.stdin.isatty():
            raise ValidationError(_("A Gemini run costs tokens; confirm it with --yes."), hint=_("Or add --offline."))
        if input(_("Go ahead? [y/N]") + " ").strip().lower() not in ("y", "yes"):
            print(_("Nothing was written."))
            return 1
    cancel = threading.Event()

    def progress(done: int, total: int, note: str) -> None:
        print(f"[{done}/{total}] {note}", file=sys.stderr if app.json else sys.stdout, flush=True)

    try:
        result = generate_many(app, ids, args.platform, offline=args.offline, force=args.replace_edits,
                               language=args.language, cancel=cancel, progress=progress)
    except KeyboardInterrupt:
        cancel.set()
        print(_("Stopped: products written so far keep their copy; the others were not changed."), file=sys.stderr)
        return 130
    if app.json:
        print_json({"written": sorted(result.written), "failed": result.failed, "usage": result.usage})
    else:
        written = _("Copy written for {done} of {count} products; Gemini used {tokens} tokens.") if result.usage \
            else _("Copy written for {done} of {count} products.")
        print(written.format(done=len(result.written), count=len(ids), tokens=f"{sum(result.usage.values()):,}"))
        for product_id, reason in result.failed.items():
            print("  " + _("product {id}: {reason}").format(id=product_id, reason=reason))
    return 1 if result.failed else 0


def _show(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import list_drafts

    drafts = {p: d for p, d in list_drafts(app.db, args.product_id).items()
              if not args.platform or p in args.platform}
    if app.json:
        print_json({p: d.to_json() for p, d in drafts.items()})
    elif not drafts:
        print(_no_copy(args.product_id))
    for platform, draft in drafts.items():
        if not app.json:
            _print_draft(platform, draft)
    return 0


def _check(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import list_drafts

    drafts = list_drafts(app.db, args.product_id)
    problems = [(p, v) for p, d in drafts.items() for v in d.violations]
    claims = [c for d in drafts.values() for c in d.claims]
    if app.json:
        print_json([{"platform": p, "field": v.field, "position": v.position, "rule": v.rule, "message": v.message}
                    for p, v in problems]
                   + [{"platform": c.platform, "field": c.field, "position": None, "rule": "unbacked_claim",
                       "message": c.message} for c in claims])
    elif not drafts:
        print(_no_copy(args.product_id))
    elif not problems and not claims:
        print(_("All {count} platforms' copy is within the rules and claims nothing the product does not "
                "state.").format(count=len(drafts)))
    else:
        for platform, violation in problems:
            where = " " + _("at {position}").format(position=violation.position) \
                if violation.position is not None else ""
            print(f"{platform}: {violation.field}{where}: {violation.message}")
        for claim in claims:
            print(f"{claim.platform}: {claim.field}: " + _("unbacked claim: {claim}").format(claim=claim.message))
    return 1 if problems or claims else 0


def _no_copy(product_id: int) -> str:
    return _("No copy yet. Write it with: sellerdesk content generate {id}").format(id=product_id)


def _approve(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import set_status

    draft = set_status(app.db, args.product_id, args.platform, "approved")
    if app.json:
        print_json(draft.to_json())
    else:
        print(_("Approved the {platform} copy of product {id}.").format(platform=args.platform,
                                                                         id=args.product_id))
        for claim in draft.claims:
            print(_("Note: {note}").format(note=claim.message))
    return 0


def _from_editor(current: str) -> str:
    """The seller's text from $EDITOR (or $VISUAL), started with ``current``; nothing changes if they quit."""
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise ValidationError(_("No --value was given and no editor is set."),
                              hint=_("Pass --value TEXT, or set the EDITOR environment variable (e.g. EDITOR=nano)."))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "copy.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(current)
        try:  # the seller's own editor, named by their own environment
            ended = subprocess.run([*shlex.split(editor), path], check=False).returncode  # noqa: S603
        except OSError as exc:
            raise ValidationError(_("The editor {editor} could not be started ({error}).").format(
                editor=repr(editor), error=exc),
                hint=_("Set EDITOR to an installed editor, or pass --value TEXT.")) from exc
        if ended != 0:
            raise ValidationError(_("The editor ended with an error; the copy was not changed."))
        with open(path, encoding="utf-8") as handle:
            return handle.read()


def _edit(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import edit_field, list_drafts

    value = args.value
    if value is None:
        draft = list_drafts(app.db, args.product_id).get(args.platform)
        current = getattr(draft, args.field, "") if draft else ""
        value = _from_editor(current if isinstance(current, str) else "\n".join(current))
    draft = edit_field(app.db, args.product_id, args.platform, args.field, value)
    if app.json:
        print_json(draft.to_json())
    else:
        _print_draft(args.platform, draft)
        print(_("Saved as your own {platform} copy (not approved yet).").format(platform=args.platform))
    return 0


def _status(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import set_status

    draft = set_status(app.db, args.product_id, args.platform, args.status)
    if app.json:
        print_json(draft.to_json())
    else:
        done = _("Rejected the {platform} copy of product {id}.") if args.status == "rejected" else \
            _("Back to draft: the {platform} copy of product {id}.")
        print(done.format(platform=args.platform, id=args.product_id))
    return 0


def _claims(args: argparse.Namespace, app: Any) -> int:
    from core.content.claims import add_claim, claim_table, switch_claim

    if args.change and not args.claim_id:
        raise ValidationError(_("Name the claim to {change}.").format(change=args.change),
                              hint=_("See them with: sellerdesk content claims"))
    if args.change == "add":
        add_claim(app.data_dir, args.claim_id, args.phrases)
    elif args.change in ("on", "off"):
        switch_claim(app.data_dir, args.claim_id, args.change == "on")
    table = claim_table(app.data_dir)
    if app.json:
        print_json([{"id": c.id, "label": c.label, "phrases": list(c.phrases), "on": on} for c, on in table])
        return 0
    for claim, on in table:
        print(f"{'on ' if on else 'off'}  {claim.id:<15} {claim.label}: {', '.join(claim.phrases[:6])}"
              + (" …" if len(claim.phrases) > 6 else ""))
    return 0


def _set_key(args: argparse.Namespace, app: Any) -> int:
    from core.content.drafts import GEMINI_KEY

    key = sys.stdin.readline().strip()
    if not key:
        raise ValidationError(_("No key was given on standard input."),
                              hint=_("Run: echo YOUR_KEY | sellerdesk content set-key. In the window: {where}").format(
                                  where=place_of(GEMINI_KEY).path))
    app.secrets.set(GEMINI_KEY, key)
    print(_("The Gemini key is stored in {place}.").format(place=app.secrets.location))
    return 0
