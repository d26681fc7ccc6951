"""Check a draft against a platform's rules; every violation says where it is and how to fix it."""

from __future__ import annotations

from core.content.graphemes import char_name, graphemes, invisible_positions, is_emoji_cluster, is_invalid_char
from core.content.hashtags import find_marked, is_hashtag
from core.content.models import LIST_FIELDS, TEXT_FIELDS, PlatformCopy, Violation
from core.content.rules import FieldRule, PlatformRules, Rules, compose_caption
from core.i18n import N_, _

_ITEM_NAMES = {"bullets": "bullet", "hashtags": "hashtag", "tags": "tag"}
# The seller reads these in the interface language (English keeps the field's own name).
_FIELD_WORDS = {"title": N_("title"), "description": N_("description"), "seo_title": N_("seo_title"),
                "seo_description": N_("seo_description"), "bullets": N_("bullets"), "hashtags": N_("hashtags"),
                "tags": N_("tags"), "bullet": N_("bullet"), "hashtag": N_("hashtag"), "tag": N_("tag"),
                "@mention": N_("@mention"), "@mentions": N_("@mentions")}
_COUNTED = {"character": (N_("1 character"), N_("{count} characters")),
            "invisible character": (N_("1 invisible character"), N_("{count} invisible characters")),
            "bullet": (N_("1 bullet"), N_("{count} bullets")), "hashtag": (N_("1 hashtag"), N_("{count} hashtags")),
            "tag": (N_("1 tag"), N_("{count} tags")), "@mention": (N_("1 @mention"), N_("{count} @mentions"))}
# The allowed characters as rules.json describes them (resources/content/rules.json, "describe").
_DESCRIBED = (N_("letters, digits, spaces, - ' ™ © ®"), N_("letters, digits, punctuation, math symbols, spaces, ™ © ®"))


def _plural(n: int, word: str) -> str:
    one, many = _COUNTED[word]
    return _(one) if n == 1 else _(many).format(count=f"{n:,}")


def field_word(name: str) -> str:
    """A copy field's (or item's) name in the interface language: ``tags`` → ``टैग``."""
    return _(_FIELD_WORDS[name]) if name in _FIELD_WORDS else name


def _check_text(pr: PlatformRules, name: str, text: str, rule: FieldRule) -> list[Violation]:
    where = f"{pr.label} {field_word(name)}"
    found: list[Violation] = []

    def add(position: int | None, rule_name: str, message: str) -> None:
        found.append(Violation(pr.name, name, position, rule_name, message))

    bad = next((i for i, c in enumerate(text) if is_invalid_char(c)), None)
    if bad is not None:
        add(
            bad,
            "invalid_character",
            _("{where} has an invisible control character at character {at}; delete it.").format(where=where,
                                                                                                at=bad + 1),
        )
    hidden = invisible_positions(text)
    if hidden:
        add(
            hidden[0],
            "invisible_character",
            (_("{where} has {count} ({name} at character {at}); delete it.") if len(hidden) == 1 else
             _("{where} has {count} ({name} at character {at}); delete them.")).format(
                where=where, count=_plural(len(hidden), "invisible character"), name=char_name(text[hidden[0]]),
                at=hidden[0] + 1),
        )
    if rule.chars is not None:
        wrong = next((i for i, c in enumerate(text) if c not in "\n\t" and not rule.chars.allows(c)), None)
        if wrong is not None:
            add(
                wrong,
                "chars",
                _("{where} has '{char}' at character {at}, which {platform} does not allow; use only "
                  "{allowed}.").format(where=where, char=text[wrong], at=wrong + 1, platform=pr.label,
                                       allowed=_(rule.chars.describe)),
            )
    if rule.required and not text.strip():
        add(None, "required", _("{where} is empty; {platform} needs one.").format(where=where, platform=pr.label))
    if rule.max_chars is not None and len(text) > rule.max_chars:
        over = len(text) - rule.max_chars
        add(
            rule.max_chars,
            "max_chars",
            _("{where} is {count}; the limit is {limit}. Shorten it by {over}.").format(
                where=where, count=_plural(len(text), "character"), limit=f"{rule.max_chars:,}", over=f"{over:,}"),
        )
    for char in rule.at_most_once:
        hits = [i for i, c in enumerate(text) if c == char]
        if len(hits) > 1:
            add(
                hits[1],
                "at_most_once",
                _("{where} uses '{char}' {times} times; {platform} allows it once. Remove the one at character "
                  "{at}.").format(where=where, char=char, times=len(hits), platform=pr.label, at=hits[1] + 1),
            )
    if rule.no_emoji:
        offset = 0
        for cluster in graphemes(text):
            if is_emoji_cluster(cluster):
                add(
                    offset,
                    "no_emoji",
                    _("{where} has an emoji or symbol ({symbol}) at character {at}; {platform} rejects them there. "
                      "Remove it.").format(where=where, symbol=cluster, at=offset + 1, platform=pr.label),
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
        add(None, "required", _("{platform} needs at least one {item}; add one.").format(platform=pr.label,
                                                                                          item=field_word(noun)))
    if rule.max_items is not None and len(items) > rule.max_items:
        add(
            rule.max_items,
            "max_items",
            _("{platform} has {count}; the limit is {limit}. Remove {over}.").format(
                platform=pr.label, count=_plural(len(items), noun), limit=f"{rule.max_items:,}",
                over=f"{len(items) - rule.max_items:,}"),
        )
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        label = f"{pr.label} {field_word(noun)} {index + 1} ({item!r})"
        if not item.strip():
            add(index, "empty_item", _("{platform} {item} {number} is empty; remove it.").format(
                platform=pr.label, item=field_word(noun), number=index + 1))
            continue
        if any(is_invalid_char(c) for c in item):
            add(index, "invalid_character", _("{item} has an invisible control character; delete it.").format(
                item=label))
        hidden = invisible_positions(item)
        if hidden:
            add(index, "invisible_character",
                _("{item} has an invisible character ({name}); delete it.").format(item=label,
                                                                                  name=char_name(item[hidden[0]])))
        if rule.item_max_chars is not None and len(item) > rule.item_max_chars:
            over = len(item) - rule.item_max_chars
            add(
                index,
                "item_max_chars",
                _("{where} is {count}; the limit is {limit}. Shorten it by {over}.").format(
                    where=label, count=_plural(len(item), "character"), limit=f"{rule.item_max_chars:,}",
                    over=f"{over:,}"),
            )
        if rule.item_chars is not None:
            bad = next((c for c in item if not rule.item_chars.allows(c)), None)
            if bad is not None:
                add(
                    index,
                    "item_chars",
                    _("{item} contains '{char}', which {platform} does not allow; use only {allowed}.").format(
                        item=label, char=bad, platform=pr.label, allowed=_(rule.item_chars.describe)),
                )
        if name == "hashtags" and not is_hashtag(item):
            add(
                index,
                "hashtag_format",
                _("{item} must be one '#' followed by letters, digits or _ (no spaces or punctuation).").format(
                    item=label),
            )
        if name in ("hashtags", "tags"):
            key = item.strip().lstrip("#").casefold()
            if key in seen:
                add(index, "duplicate", _("{item} repeats {noun} {number}; remove it.").format(
                    item=label, noun=field_word(noun), number=seen[key] + 1))
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
                _("{platform} caption ({parts}) is {count}; the limit is {limit}. Shorten it by {over}.").format(
                    platform=pr.label, parts=parts, count=_plural(len(text), "character"),
                    limit=f"{cap.max_chars:,}", over=f"{over:,}"),
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
                    _("{platform} caption has {count} (counting those in the text); the limit is {limit}. Remove "
                      "{over}.").format(platform=pr.label, count=_plural(len(hits), noun), limit=limit,
                                        over=len(hits) - limit),
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
                unused = (_("{platform} does not use a {field}; clear it so nothing is left unseen.")
                          if name in TEXT_FIELDS else
                          _("{platform} does not use {field}; clear them so nothing is left unseen."))
                found.append(
                    Violation(
                        pr.name,
                        name,
                        None,
                        "unused",
                        unused.format(platform=pr.label, field=field_word(name)),
                    )
                )
        elif name in TEXT_FIELDS:
            found.extend(_check_text(pr, name, value, rule))
        else:
            found.extend(_check_items(pr, name, value, rule))
    found.extend(_check_caption(copy, pr))
    return found
