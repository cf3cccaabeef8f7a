"""What to ask after a save, in the client's words: the therapist's feedback and the client's
thanks ask the same question."""

from __future__ import annotations

from srs_tui.rules import Feedback, Profile
from srs_tui.wording import Wording


def soft_item(profile: Profile) -> int:
    """Below it, an item's own question is asked, else the general one: the SRS's setting;
    for the ORS an item below its share of the clinical cutoff; without norms, the lowest
    item always."""
    if "soft_item" in profile.values:
        return profile.setting("soft_item")
    if profile.cutoff is not None:
        return -(-profile.cutoff // len(profile.measure.items))
    return profile.measure.item_max + 1


def question_to_ask(feedback: Feedback, wording: Wording, profile: Profile) -> str:
    """The lowest item's question when it is low, else the general question."""
    if feedback.lowest_value < soft_item(profile):
        return wording.item(feedback.lowest_key).question
    return wording.general_question
