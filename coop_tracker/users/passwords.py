"""Password rules as current guidance has them: long, not common, not about the user.

NIST SP 800-63B (§5.1.1.2) and the Swedish and British cyber-security centres ask for a minimum
length, a check against passwords known from breaches, dictionary and context words and
repetitive or sequential strings, and no composition rules (no "one digit, one capital").
The breach list ships with the app (``data/common-passwords.txt.gz``, 19,640 passwords, see
``data/LICENSE-common-passwords.txt``), so the check needs no network. A password is refused
when it *is* such a word or only dresses one up: repeated ("losenordlosenord"), or with digits
and signs around it ("Sommar2026!").
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from coop_tracker.core.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"

# Words any user of this service might reach for: the service, "password" in both languages,
# the seasons and months people put a year after. Context words, not a breach list.
CONTEXT_WORDS = frozenset(
    {
        "samverkanskollen",
        "samverkan",
        "kollen",
        "kommun",
        "kommunen",
        "lösenord",
        "losenord",
        "password",
        "passord",
        "välkommen",
        "valkommen",
        "sommar",
        "vinter",
        "hösten",
        "hosten",
        "höst",
        "host",
        "våren",
        "varen",
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
        "sverige",
        "qwerty",
        "asdfgh",
    }
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED = re.compile(r"^(.+?)\1+$", re.DOTALL)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped breach list, lowercased (read once per process)."""
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _cores(password: str) -> set[str]:
    """The password and what is left of it without repetition and the digits and signs at its
    ends: the words a guesser would start from."""
    lowered = _normal(password)
    found = {lowered}
    for _round in range(2):
        for value in list(found):
            stripped = _EDGES.sub("", value)
            if stripped:
                found.add(stripped)
            repeated = _REPEATED.match(value)
            if repeated:
                found.add(repeated.group(1))
    return found


def _is_sequence(text: str) -> bool:
    """1234567890…, abcdefgh…, or the same backwards."""
    if len(text) < 4:
        return False
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    if text.isdigit():  # 8901234…: the digits go round
        steps = {step % 10 for step in steps}
        return steps in ({1}, {9})
    return steps in ({1}, {-1})


def _personal_words(email: str, name: str) -> set[str]:
    words = set()
    local = _normal(email.split("@")[0]) if email else ""
    for part in re.split(r"[\W_]+", local) + [local]:
        if len(part) >= 3:
            words.add(part)
    for part in re.split(r"\W+", _normal(name or "")):
        if len(part) >= 3:
            words.add(part)
    return words


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Why a new password is refused (empty when it is acceptable), in Swedish."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(
            _(
                "Lösenordet måste ha minst %(n)s tecken. Ett bra sätt är några ord i rad, "
                "t.ex. fyra ord som bara du kopplar ihop.",
                n=MIN_LENGTH,
            )
        )
    if len(password) > MAX_LENGTH:
        problems.append(_("Lösenordet får vara högst %(n)s tecken.", n=MAX_LENGTH))
    if problems:
        return problems
    cores = _cores(password)
    lowered = _normal(password)
    personal = _personal_words(email, name)
    if cores & common_passwords():
        problems.append(
            _("Lösenordet finns med bland kända lösenord från dataintrång. Välj ett annat.")
        )
    elif cores & CONTEXT_WORDS:
        problems.append(
            _(
                "Lösenordet är byggt på ett ord som är lätt att gissa (t.ex. lösenord, "
                "tjänstens namn eller en årstid). Välj ett annat."
            )
        )
    if personal and (
        cores & personal or any(word in lowered for word in personal if len(word) >= 4)
    ):
        problems.append(_("Lösenordet får inte innehålla ditt namn eller din e-postadress."))
    if len(set(lowered)) < 5 or any(_is_sequence(core) for core in cores):
        problems.append(
            _("Lösenordet är för enformigt (upprepade tecken eller en rad som 12345 eller abcde).")
        )
    return problems
