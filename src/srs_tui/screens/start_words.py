"""The words of the screens before the app (the vault's passphrase, the first start's
question and offer).

English only: they come before any client is chosen, so they are never shared.
"""

from __future__ import annotations

from srs_tui.key_cost import MIN_PASSPHRASE

WORDS = {
    "unlock.field": "passphrase or recovery key",
    "unlock.help": "The records are encrypted. Type the passphrase, or the recovery key if the "
    "passphrase is forgotten.",
    "unlock.checking": "Checking…",
    "unlock.wrong": "Wrong passphrase or recovery key.",
    "unlock.wait": "Wait {seconds} s before the next try.",
    "unlock.wrong_wait": "Wrong passphrase or recovery key. Wait {seconds} s before the next try.",
    "unlock.broken": "Stopped on an internal error; nothing was read. Ctrl+Q quits.",
    "offer.title": "Keep the records encrypted?",
    "offer.text": "srs-tui keeps its records in a file on this computer. In a vault, that file "
    "is encrypted: it opens only with a passphrase, or with a recovery key shown once now, so a "
    "lost or stolen laptop gives no record away. Without a vault, anyone who can read your files "
    "can read the records. This can be changed later: srs-tui vault on, srs-tui vault off.",
    "offer.yes": "Make a vault",
    "offer.no": "Not now",
    "offer.keys": "Esc or Ctrl+Q: quit; nothing is created.",
    "setting.title": "Where do you usually see clients?",
    "setting.text": "Each session records where it was held: by video or phone (telehealth) or "
    "in the same room (in person). Your answer is the setting of every new session; on the "
    "rating screen, Ctrl+D changes it for one session.",
    "setting.where": "Saved in {path}, where you can change it later.",
    "setting.telehealth": "Telehealth",
    "setting.in-person": "In person",
    # Two lines: wrapped at the box's 44 columns, the phrase broke after "Ctrl+Q:".
    "setting.keys": "Tab moves, Enter chooses.\nEsc or Ctrl+Q: quit; nothing is saved.",
    "setting.unsaved": "This start uses your answer; it will be asked again next time.",
    "setting.go_on": "Go on",
    "new.title": "A passphrase for the vault",
    "new.text": f"At least {MIN_PASSPHRASE} characters. srs-tui asks for it each time it "
    "starts, and it lifts the idle lock.",
    "new.first": "passphrase",
    "new.second": "the same again",
    "new.short": f"A passphrase needs at least {MIN_PASSPHRASE} characters.",
    "new.differ": "The two passphrases differ.",
    "new.make": "Make the vault",
    "new.back": "Back",
    "new.making": "Making the vault…",
    "key.title": "Your recovery key",
    "key.warning": "Write this down; with neither the passphrase nor this key, the records are "
    "gone.",
    "key.text": "It opens the vault when the passphrase is forgotten. It is shown only now. Keep "
    "it away from this computer.",
    "key.file": "save it to a file too (a path, on a USB stick)",
    "key.save": "Save",
    "key.saved": "Saved to {path}. Keep that file away from this computer.",
    "key.no_path": "Type where to save it first.",
    "key.exists": "{path} already exists: choose another file.",
    "key.go_on": "I have written it down",
    "key.stay": "The key is shown only now: write it down, then go on.",
}


def say(key: str, **values: object) -> str:
    """The words of these screens."""
    return WORDS[key].format(**values) if values else WORDS[key]
