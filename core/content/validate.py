"""Check a draft against a platform's rules; every violation says where it is and how to fix it."""

from __future__ import annotations

from core.content.graphemes import char_name, graphemes, invisible_positions, is_emoji_cluster, is_invalid_char
from core.content.hashtags import find_marked, is_hashtag
from core.content.models import LIST_FIELDS, TEXT_FIELDS, PlatformCopy, Violation
from core.content.rules import FieldRule, PlatformRules, Rules, compose_caption

_ITEM_NAMES = {"bullets": "bullet", "hashtags": "hashtag", "tags": "tag"}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _check_text(pr: PlatformRules, name: str, text: str, rule: FieldRule) -> list[Violation]:
    where = f"{pr.label} {name}"
    found: list[Violation] = []

    def add(position: int | None, rule_name: str, message: str) -> None:
        found.append(Violation(pr.name, name, position, rule_name, message))

    bad = next((i for i, c in enumerate(text) if is_invalid_char(c)), None)
    if bad is not None:
        add(
            bad,
            "invalid_character",
            f"{where} has an invisible control character at character {bad + 1}; delete it.",
        )
    hidden = invisible_positions(text)
    if hidden:
        add(
            hidden[0],
            "invisible_character",
            f"{where} has {_plural(len(hidden), 'invisible character')} ({char_name(text[hidden[0]])} at character "
            f"{hidden[0] + 1}); delete {'it' if len(hidden) == 1 else 'them'}.",
        )
    if rule.chars is not None:
        wrong = next((i for i, c in enumerate(text) if c not in "\n\t" and not rule.chars.allows(c)), None)
        if wrong is not None:
            add(
                wrong,
                "chars",
                f"{where} has '{text[wrong]}' at character {wrong + 1}, which {pr.label} does not allow; use only "
                f"{rule.chars.describe}.",
            )
    if rule.required and not text.strip():
        add(None, "required", f"{where} is empty; {pr.label} needs one.")
    if rule.max_chars is not None and len(text) > rule.max_chars:
        over = len(text) - rule.max_chars
        add(
            rule.max_chars,
            "max_chars",
            f"{where} is {_plural(len(text), 'character')}; the limit is "
            f"{rule.max_chars:,}. Shorten it by {over:,}.",
        )
    for char in rule.at_most_once:
        hits = [i for i, c in enumerate(text) if c == char]
        if len(hits) > 1:
            add(
                hits[1],
                "at_most_once",
                f"{where} uses '{char}' {len(hits)} times; {pr.label} allows it once. "
                f"Remove the one at character {hits[1] + 1}.",
            )
    if rule.no_emoji:
        offset = 0
        for cluster in graphemes(text):
            if is_emoji_cluster(cluster):
                add(
                    offset,
                    "no_emoji",
                    f"{where} has an emoji or symbol ({cluster}) at character {offset + 1}; "
                    f"{pr.label} rejects them there. Remove it.",
                )
                break
            offset += len(cluster)
    return found


def _check_items(pr: PlatformRules, name: str, items: list[str], rule: FieldRule) -> list[Violation]:
    noun = _ITEM_NAMES[name]
    found: list[Violation] = []

    def add(position: int | None, rule_name: str, message: str) -> None:
        found.append(Violation(pr.name, name, position, rule_name, message))

    if rule.required and not items:
        add(None, "required", f"{pr.label} needs at least one {noun}; add one.")
    if rule.max_items is not None and len(items) > rule.max_items:
        add(
            rule.max_items,
            "max_items",
            f"{pr.label} has {_plural(len(items), noun)}; the limit is "
            f"{rule.max_items:,}. Remove {len(items) - rule.max_items:,}.",
        )
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        label = f"{pr.label} {noun} {index + 1} ({item!r})"
        if not item.strip():
            add(index, "empty_item", f"{pr.label} {noun} {index + 1} is empty; remove it.")
            continue
        if any(is_invalid_char(c) for c in item):
            add(index, "invalid_character", f"{label} has an invisible control character; delete it.")
        hidden = invisible_positions(item)
        if hidden:
            add(index, "invisible_character",
                f"{label} has an invisible character ({char_name(item[hidden[0]])}); delete it.")
        if rule.item_max_chars is not None and len(item) > rule.item_max_chars:
            over = len(item) - rule.item_max_chars
            add(
                index,
                "item_max_chars",
                f"{label} is {_plural(len(item), 'character')}; the limit is "
                f"{rule.item_max_chars:,}. Shorten it by {over:,}.",
            )
        if rule.item_chars is not None:
            bad = next((c for c in item if not rule.item_chars.allows(c)), None)
            if bad is not None:
                add(
                    index,
                    "item_chars",
                    f"{label} contains '{bad}', which {pr.label} does not allow; use only "
                    f"{rule.item_chars.describe}.",
                )
        if name == "hashtags" and not is_hashtag(item):
            add(
                index,
                "hashtag_format",
                f"{label} must be one '#' followed by letters, digits or _ (no spaces or punctuation).",
            )
        if name in ("hashtags", "tags"):
            key = item.strip().lstrip("#").casefold()
            if key in seen:
                add(index, "duplicate", f"{label} repeats {noun} {seen[key] + 1}; remove it.")
            else:
                seen[key] = index
    return found


def _check_caption(copy: PlatformCopy, pr: PlatformRules) -> list[Violation]:
    cap = pr.caption
    if cap is None:
        return []
    text = compose_caption(copy, pr)
    parts = " + ".join(cap.parts)
    found: list[Violation] = []
    if len(text) > cap.max_chars:
        over = len(text) - cap.max_chars
        found.append(
            Violation(
                pr.name,
                "caption",
                cap.max_chars,
                "caption_max_chars",
                f"{pr.label} caption ({parts}) is {_plural(len(text), 'character')}; the limit is "
                f"{cap.max_chars:,}. Shorten it by {over:,}.",
            )
        )
    for marker, limit, noun in (("#", cap.max_hashtags, "hashtag"), ("@", cap.max_mentions, "@mention")):
        hits = find_marked(text, marker)
        if limit is not None and len(hits) > limit:
            found.append(
                Violation(
                    pr.name,
                    "caption",
                    hits[limit],
                    f"caption_max_{noun.lstrip('@')}s",
                    f"{pr.label} caption has {_plural(len(hits), noun)} (counting those in the "
                    f"text); the limit is {limit}. Remove {len(hits) - limit}.",
                )
            )
    return found


def validate(copy: PlatformCopy, rules: Rules) -> list[Violation]:
    """Every rule of ``copy.platform`` that the draft breaks (an empty list means it can be posted as is)."""
    pr = rules.platform(copy.platform)
    found: list[Violation] = []
    for name in TEXT_FIELDS + LIST_FIELDS:
        value = getattr(copy, name)
        rule = pr.fields.get(name)
        if rule is None:
            if value:
                what, pronoun = (f"a {name}", "it") if name in TEXT_FIELDS else (name, "them")
                found.append(
                    Violation(
                        pr.name,
                        name,
                        None,
                        "unused",
                        f"{pr.label} does not use {what}; clear {pronoun} so nothing is left unseen.",
                    )
                )
        elif name in TEXT_FIELDS:
            found.extend(_check_text(pr, name, value, rule))
        else:
            found.extend(_check_items(pr, name, value, rule))
    found.extend(_check_caption(copy, pr))
    return found
