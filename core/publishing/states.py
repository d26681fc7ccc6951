"""The publish job's state machine: which states exist, which moves between them are legal, what each means.

draft → scheduled → publishing → published, or failed (with a reason and a next step), or needs_attention (the
platform refused the sign-in or the content, or the outcome of an attempt is unknown). Cancelled ends a job early.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal, get_args

from core.errors import SellerDeskError
from core.i18n import N_, _

State = Literal["draft", "scheduled", "publishing", "published", "failed", "needs_attention", "cancelled"]
STATES: Final[tuple[State, ...]] = get_args(State)

# Every legal move; any other raises IllegalTransition. Nothing reaches "published" except through "publishing",
# so every post that went out was claimed, and committed as being sent, first.
TRANSITIONS: Final[dict[State, frozenset[State]]] = {
    "draft": frozenset({"scheduled", "cancelled"}),
    "scheduled": frozenset({"scheduled", "publishing", "needs_attention", "failed", "cancelled"}),
    "publishing": frozenset({"published", "failed", "needs_attention", "scheduled"}),
    "failed": frozenset({"scheduled", "cancelled"}),
    "needs_attention": frozenset({"scheduled", "publishing", "failed", "cancelled"}),
    "published": frozenset(),
    "cancelled": frozenset(),
}

#: States in which a job still goes somewhere (the database allows one such job per product and platform).
OPEN_STATES: Final[frozenset[State]] = frozenset({"draft", "scheduled", "publishing", "failed", "needs_attention"})
#: States a seller's action (schedule, reschedule, retry, cancel) may move a job from; a job being published is only
#: ever moved by the attempt that claimed it.
SELLER_MOVABLE: Final[frozenset[State]] = frozenset({"draft", "scheduled", "failed", "needs_attention"})
#: States the seller should act on.
ATTENTION_STATES: Final[frozenset[State]] = frozenset({"failed", "needs_attention"})

LABELS: Final[dict[State, str]] = {  # English; the window shows _(LABELS[state])
    "draft": N_("Draft"), "scheduled": N_("Scheduled"), "publishing": N_("Publishing"), "published": N_("Published"),
    "failed": N_("Failed"), "needs_attention": N_("Needs attention"), "cancelled": N_("Cancelled"),
}

# Why a move is refused, in the seller's words, for the moves a person can ask for.
_WHY_NOT: Final[dict[str, str]] = {
    "publishing": N_("it is being published right now; wait for it to finish"),
    "published": N_("it is already published"),
    "cancelled": N_("it was cancelled; schedule the product again instead"),
}


class IllegalTransition(SellerDeskError):
    """A job was asked to move to a state its current state cannot reach (e.g. cancel a published post)."""

    def __init__(self, job_id: int, current: str, wanted: str) -> None:
        self.job_id = job_id
        self.current = current
        self.wanted = wanted
        reason = (_(_WHY_NOT[current]) if current in _WHY_NOT else
                  _("a {current} job cannot become {wanted}").format(current=state_word(current),
                                                                      wanted=state_word(wanted)))
        super().__init__(_("Job #{id} cannot be made {wanted}: {reason}.").format(
            id=job_id, wanted=state_word(wanted), reason=reason), hint=_("See it with: sellerdesk jobs list"))


def state_word(state: str) -> str:
    """A state as a word in a sentence ("needs attention"), in the interface language."""
    return _(LABELS[state]).lower() if state in LABELS else state.replace("_", " ")


def check_transition(job_id: int, current: str, wanted: str, expect: Iterable[str] | None = None) -> None:
    """Raise IllegalTransition unless ``current`` → ``wanted`` is a legal move (and ``current`` is in ``expect``)."""
    if wanted not in TRANSITIONS.get(current, frozenset()) or (  # type: ignore[call-overload]
            expect is not None and current not in expect):
        raise IllegalTransition(job_id, current, wanted)
