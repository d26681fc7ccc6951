"""Make a draft obey its platform's rules by shortening and pruning, never by cutting words or emoji."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from core.content.graphemes import clean_text, drop_invisible, graphemes, is_emoji_cluster
from core.content.hashtags import find_marked, normalise_hashtag
from core.content.models import LIST_FIELDS, TEXT_FIELDS, FitChange, PlatformCopy
from core.content.rules import CaptionRule, CharClass, FieldRule, PlatformRules, Rules, compose_caption
from core.content.shorten import SEPARATOR_CHARS, shorten
from core.content.validate import field_word
from core.i18n import _

_SPACES = re.compile(r"[ \t]{2,}")
# A number as written: "92.5", "4-5", "1,499", "10:30". Removing a character inside one changes its meaning.
_NUMBER = re.compile(r"\d+(?:[.,:/\-–]\d+)*")
# Punctuation between digits that a hashtag cannot hold ("4-5 years" must not become "#45years").
_JOINED_NUMBER = re.compile(r"\d[^\w\s]+\d")
# A caption keeps at least this share of its length for the description before bullets and hashtags give way.
_DESCRIPTION_SHARE = 0.5

Note = Callable[[str, str, str], None]


def _drop_clusters(text: str, unwanted: Callable[[str], bool]) -> str:
    """Remove whole grapheme clusters; the gap they leave becomes at most one space."""
    kept = "".join(" " if unwanted(g) else g for g in graphemes(text))
    return _SPACES.sub(" ", kept).strip()


def _keep_first(text: str, char: str) -> str:
    first = text.find(char)
    if first < 0:
        return text
    head, tail = text[: first + 1], text[first + 1 :]
    return head + _SPACES.sub(" ", tail.replace(char, " ")).rstrip() if char in tail else text


def _strip_chars(text: str, chars: CharClass) -> tuple[str, bool]:
    """``text`` without the characters ``chars`` forbids, word by word, and whether a whole word had to go.

    A word is dropped whole, never mutilated, when it would lose a letter's combining mark (a Devanagari vowel
    sign) or when one of its numbers would change ("92.5" -> "925"); otherwise only the forbidden clusters
    (an emoji, a currency sign) are removed.
    """
    out: list[str] = []
    lost = False
    # Composed form first: "e" + a combining accent becomes the letter "é", which Etsy takes.
    for word in re.split(r"(\s+)", unicodedata.normalize("NFC", text)):
        if not word or all(chars.allows(c) for c in word):
            out.append(word)
            continue
        if word.isspace():
            out.append(" ")  # a line break or tab where only spaces are allowed
            continue
        kept = _drop_clusters(word, lambda g: not all(chars.allows(c) for c in g))
        # A refused mark on a letter (a vowel sign) would change the word; on an emoji (VS16) it goes with it.
        marks = any(unicodedata.category(g[0])[0] == "L" and not all(chars.allows(c) for c in g)
                    for g in graphemes(word))
        if marks or _NUMBER.findall(kept) != _NUMBER.findall(word):
            kept, lost = "", True
        out.append(kept)
    return _tidy_separators(_SPACES.sub(" ", "".join(out)).strip()), lost


def _tidy_separators(text: str) -> str:
    """Separators left with nothing on one side by a removed word ("Title | |" -> "Title") go too."""
    tokens = text.split(" ")
    keep: list[str] = []
    for i, token in enumerate(tokens):
        lone = token and set(token) <= SEPARATOR_CHARS
        if lone and (not keep or i + 1 == len(tokens) or set(tokens[i + 1]) <= SEPARATOR_CHARS):
            continue
        keep.append(token)
    return " ".join(keep).strip()


def _fit_text(label: str, name: str, text: str, rule: FieldRule, note: Note) -> str:
    where = f"{label} {field_word(name)}"
    cleaned = clean_text(text).strip()
    if cleaned != text.strip():
        note(name, "invalid_character", _("{where}: removed invisible control characters.").format(where=where))
    visible = drop_invisible(cleaned).strip()
    if visible != cleaned:
        note(name, "invisible_character",
             _("{where}: removed invisible characters (zero-width, direction marks).").format(where=where))
        cleaned = visible
    if rule.chars is not None:
        allowed, lost = _strip_chars(cleaned, rule.chars)
        if allowed != cleaned:
            what = (_("{where}: words with characters it refuses were left out (allowed: {allowed}).") if lost
                    else _("{where}: characters it refuses were removed (allowed: {allowed})."))
            note(name, "chars", what.format(where=where, allowed=_(rule.chars.describe)))
            cleaned = allowed
    for char in rule.at_most_once:
        once = _keep_first(cleaned, char)
        if once != cleaned:
            note(name, "at_most_once", _("{where}: '{char}' is allowed once; later ones were removed.").format(
                where=where, char=char))
            cleaned = once
    if rule.no_emoji:
        plain = _drop_clusters(cleaned, is_emoji_cluster)
        if plain != cleaned:
            note(name, "no_emoji", _("{where}: emoji and symbols were removed ({platform} rejects them).").format(
                where=where, platform=label))
            cleaned = plain
    if rule.max_chars is not None and len(cleaned) > rule.max_chars:
        short = shorten(cleaned, rule.max_chars)
        note(
            name,
            "max_chars",
            _("{where} shortened from {before} to {after} characters (limit {limit}) at a sentence or word "
              "boundary.").format(where=where, before=f"{len(cleaned):,}", after=f"{len(short):,}",
                                  limit=f"{rule.max_chars:,}"),
        )
        cleaned = short
    return cleaned


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lstrip("#").casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _quote(item: str, limit: int = 30) -> str:
    """``item`` quoted for a message, clipped (between graphemes) when long."""
    if len(item) <= limit:
        return repr(item)
    clip = ""
    for cluster in graphemes(item):
        if len(clip) + len(cluster) > limit:
            break
        clip += cluster
    return repr(clip + "…")


def _fit_items(label: str, name: str, items: list[str], rule: FieldRule, note: Note) -> list[str]:
    out: list[str] = []
    # One note per kind of change, with a few examples, however many items it hit.
    events: dict[str, list[str]] = {"item_chars": [], "item_chars_word": [], "number": [], "item_max_chars": [],
                                    "dropped": []}
    for raw in items:
        item = drop_invisible(clean_text(raw)).strip()
        if name == "hashtags":
            if _JOINED_NUMBER.search(item):
                # "#4-5years" cannot be written without changing the number, so it goes.
                events["number"].append(_quote(item))
                continue
            item = normalise_hashtag(item)
            if rule.item_max_chars is not None and len(item) > rule.item_max_chars:
                # A shortened hashtag is a different hashtag, so it goes.
                events["dropped"].append(_quote(item))
                continue
        else:
            if rule.item_chars is not None:
                allowed, lost = _strip_chars(item, rule.item_chars)
                if lost:
                    # A tag missing a word, or with a changed number, is another tag: it goes whole.
                    events["number" if _NUMBER.search(item) else "item_chars_word"].append(_quote(item))
                    continue
                if allowed != item:
                    events["item_chars"].append(f"{_quote(item)} → {_quote(allowed)}")
                    item = allowed
            if rule.item_max_chars is not None and len(item) > rule.item_max_chars:
                short = shorten(item, rule.item_max_chars)
                events["item_max_chars" if short else "dropped"].append(
                    f"{_quote(item)} → {_quote(short)}" if short else _quote(item)
                )
                item = short
        if item:
            out.append(item)
    limit = rule.item_max_chars
    allowed = _(rule.item_chars.describe) if rule.item_chars else ""
    texts = {
        "item_chars": _("characters {platform} does not allow were removed (allowed: {allowed})"),
        "item_chars_word": _("dropped, holding letters {platform} refuses (allowed: {allowed})"),
        "number": _("dropped, since they could not be written without changing a number"),
        "item_max_chars": _("shortened to at most {limit} characters at a word boundary"),
        "dropped": _("dropped, being longer than {limit} characters") if name == "hashtags" else
        _("dropped, being longer than {limit} characters even at their first word"),
    }
    where = f"{label} {field_word(name)}"
    for kind, examples in events.items():
        if examples:
            more = " " + _("and {count} more").format(count=len(examples) - 3) if len(examples) > 3 else ""
            what = texts[kind].format(platform=label, allowed=allowed, limit=limit)
            note(name, kind, f"{where}: {len(examples)} {what}: {', '.join(examples[:3])}{more}.")
    if name in ("hashtags", "tags"):
        unique = _dedupe(out)
        if len(unique) < len(out):
            note(
                name,
                "duplicate",
                _("{where}: removed {count} repeated (ignoring case).").format(where=where,
                                                                              count=len(out) - len(unique)),
            )
        out = unique
    if rule.max_items is not None and len(out) > rule.max_items:
        note(name, "max_items", _("{where}: kept the first {limit} of {count} (the limit).").format(
            where=where, limit=rule.max_items, count=len(out)))
        out = out[: rule.max_items]
    return out


def _unmark(text: str, marker: str, keep: int) -> tuple[str, int]:
    """Turn every hashtag/mention after the first ``keep`` into a plain word; returns the text and how many
    stayed marked."""
    hits = find_marked(text, marker)
    for offset in reversed(hits[keep:]):
        text = text[:offset] + text[offset + 1 :]
    return text, min(len(hits), keep)


def _fit_marks(copy: PlatformCopy, cap: CaptionRule, label: str, note: Note) -> PlatformCopy:
    for marker, limit, noun in (("#", cap.max_hashtags, "hashtags"), ("@", cap.max_mentions, "@mentions")):
        if limit is None:
            continue
        description, used = _unmark(copy.description, marker, limit)
        bullets = []
        for bullet in copy.bullets:
            bullet, kept = _unmark(bullet, marker, limit - used)
            used += kept
            bullets.append(bullet)
        hashtags = copy.hashtags[: max(0, limit - used)] if marker == "#" else copy.hashtags
        if (description, bullets, hashtags) != (copy.description, copy.bullets, copy.hashtags):
            note(
                "caption",
                f"caption_max_{noun.lstrip('@')}",
                _("{platform} caption: at most {limit} {items} are allowed; the rest became plain words or were "
                  "dropped.").format(platform=label, limit=limit, items=field_word(noun)),
            )
            copy = copy.with_fields(description=description, bullets=bullets, hashtags=hashtags)
    return copy


def _fit_caption(copy: PlatformCopy, pr: PlatformRules, note: Note) -> PlatformCopy:
    cap = pr.caption
    if cap is None:
        return copy
    copy = _fit_marks(copy, cap, pr.label, note)
    start = len(compose_caption(copy, pr))
    if start <= cap.max_chars:
        return copy
    floor = int(cap.max_chars * _DESCRIPTION_SHARE)
    budget = cap.max_chars - (start - len(copy.description))
    copy = copy.with_fields(
        description=shorten(copy.description, max(budget, min(floor, len(copy.description))))
    )
    for name in ("bullets", "hashtags"):
        items = list(getattr(copy, name))
        while items and len(compose_caption(copy, pr)) > cap.max_chars:
            items.pop()
            copy = copy.with_fields(**{name: items})
    overflow = len(compose_caption(copy, pr)) - cap.max_chars
    if overflow > 0:
        copy = copy.with_fields(description=shorten(copy.description, len(copy.description) - overflow))
    note(
        "caption",
        "caption_max_chars",
        _("{platform} caption shortened from {before} to {after} characters (limit {limit}); bullets and hashtags "
          "gave way after the description.").format(platform=pr.label, before=f"{start:,}",
                                                    after=f"{len(compose_caption(copy, pr)):,}",
                                                    limit=f"{cap.max_chars:,}"),
    )
    return copy


def fit_report(copy: PlatformCopy, rules: Rules) -> tuple[PlatformCopy, list[FitChange]]:
    """Fit ``copy`` to its platform's rules and say what was changed, one ``FitChange`` per change."""
    pr = rules.platform(copy.platform)
    changes: list[FitChange] = []

    def note(field: str, rule: str, message: str) -> None:
        changes.append(FitChange(pr.name, field, rule, message))

    updates: dict[str, object] = {}
    for name in TEXT_FIELDS + LIST_FIELDS:
        value = getattr(copy, name)
        rule = pr.fields.get(name)
        if rule is None:
            if value:
                what = (_("{platform} does not use a {field}; it was left out.") if name in TEXT_FIELDS else
                        _("{platform} does not use {field}; they were left out."))
                note(name, "unused", what.format(platform=pr.label, field=field_word(name)))
            updates[name] = "" if name in TEXT_FIELDS else []
        elif name in TEXT_FIELDS:
            updates[name] = _fit_text(pr.label, name, value, rule, note)
        else:
            updates[name] = _fit_items(pr.label, name, value, rule, note)
    return _fit_caption(copy.with_fields(**updates), pr, note), changes


def fit(copy: PlatformCopy, rules: Rules) -> PlatformCopy:
    """``copy`` shortened and pruned until it passes every length, count and character rule of its platform.

    Text is cut at sentence, then word boundaries (never inside a word or an emoji); hashtags get one '#' and
    are de-duplicated case-insensitively; characters a platform forbids are removed; lists are cut to size.
    """
    return fit_report(copy, rules)[0]
