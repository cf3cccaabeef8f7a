"""What follows a save, for the therapist's feedback and the client's thanks alike: the
question to ask, in the client's words, and the SRS of the same session after an ORS."""

from __future__ import annotations

from srs_tui.context import AppContext
from srs_tui.details import SessionDetails
from srs_tui.measures import OUTCOME, SRS, measure_named
from srs_tui.rules import Feedback, Profile
from srs_tui.screens.base import ClientScreen
from srs_tui.store import Administration, Client, StoreError
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
    key, value = feedback.lowest_key, feedback.lowest_value
    if key is not None and value is not None and value < soft_item(profile):
        return wording.item(key).question
    return wording.general_question


def srs_follows(ctx: AppContext, client: Client, saved: Administration) -> bool:
    """Whether the SRS of the saved session is still to give: after an ORS whose session has
    none (an unreadable store offers it: the save would say what is wrong)."""
    if measure_named(saved.measure).kind != OUTCOME:
        return False
    try:
        visit = ctx.store.visit(client.id, saved.administered_at.date())
    except StoreError:
        return True
    return not (
        visit is not None and visit.session_id == saved.session_id and SRS.name in visit.measures
    )


def give_srs_of(screen: ClientScreen, saved: Administration) -> None:
    """The SRS of the saved session, in place of screen (a client view on a client view)."""
    from srs_tui.screens.rate import RateScreen

    details = SessionDetails(saved.administered_at, saved.mode, saved.setting)
    screen.app.switch_screen(
        RateScreen(screen.ctx, screen.client, SRS, details=details, shared=screen.shared)
    )
