"""No page mixes languages: every page of the route matrix, as each role, read in English has no
Swedish text the app wrote, and read in Swedish no English text.

The pages are those of ``tests/core/test_route_permissions.py`` (every GET route of the URL map
that answers with an HTML page), for an anonymous visitor and for a reader, an editor, a kommun
administrator and an administrator of Vansbro, on the world that test builds: agreements with
parties, contacts, exit plans with their tasks, checklists, a review, a meeting and reminders.

What may stay in the other language: names and what people typed (kommuner, län, the world's
titles and contacts), text marked as the other language (``lang="sv"``: the language switch's
"Svenska", the Swedish words an import file must use, a template's other-language text), and the
Swedish terms the English catalogue itself keeps (such as "kommunalförbund" in "Municipal
federation (kommunalförbund)"). Everything else the app generates — labels, warnings, task
names, plan titles, reasons, area names, actors — goes through translation.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from coop_tracker import PROJECT_ROOT
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import County, Municipality
from coop_tracker.organisations.models import Organisation
from coop_tracker.users.models import ApiToken
from tests.core.test_route_permissions import ROUTES, World, _url
from tests.factories import PASSWORD

PO_FILE = PROJECT_ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# Words that only Swedish text has (in a page read in English), and only English text has (in
# a page read in Swedish). Short and common, so that any sentence in the language has some.
SWEDISH_WORDS = {
    "och", "att", "för", "inte", "som", "till", "med", "det", "den", "är", "av", "på", "om",
    "har", "ska", "kan", "eller", "från", "finns", "alla", "vid", "efter", "före", "under",
    "saknas", "ingen", "inga", "uppgifter", "avtal", "kommun", "kommuner", "sida", "visa",
    "spara", "ändra", "ny", "nytt", "nya", "ja", "nej", "datum", "beslut", "planen", "uppgift",
}  # fmt: skip
ENGLISH_WORDS = {
    "the", "and", "of", "to", "is", "are", "this", "with", "from", "not", "has", "have", "been",
    "will", "which", "when", "there", "their", "must", "should", "cannot", "please", "your",
    "you", "yes", "save", "edit", "show", "delete", "cancel", "back", "next", "previous",
    "required", "optional", "none",
}  # fmt: skip
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]+")
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
ROLES = ["anon", "reader", "editor", "kommun_admin", "admin"]


KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@functools.cache
def _missing_from_catalogue() -> dict[str, list[str]]:
    """Every string marked for translation in the code and templates that the English catalogue
    lacks (message → where it is marked)."""
    with PO_FILE.open("rb") as handle:
        catalogue = read_po(handle)
    missing: dict[str, list[str]] = {}
    for folder, method in (("coop_tracker", "python"), ("templates", "jinja2")):
        found = extract_from_dir(
            str(PROJECT_ROOT / folder),
            [(f"**.{'py' if method == 'python' else 'html'}", method)],
            keywords=KEYWORDS,
        )
        for filename, _line, message, _comments, _context in found:
            key = message if isinstance(message, str) else message[0]
            if key and catalogue.get(key) is None:
                missing.setdefault(key, []).append(f"{folder}/{filename}")
    return missing


# Swedish that English readers still get, each a known gap that the test names: it fails when a
# new kind of leak appears, and when one of these is gone (remove it here). None are left.
KNOWN_LEAKS: dict[str, re.Pattern[str]] = {}


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes and labelling attributes, without scripts,
    styles, code and anything inside an element marked as another language than the page's."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.chunks: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._skipped = 0  # how many elements on the stack are skipped

    def _skipping(self) -> bool:
        return self._skipped > 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        other = a.get("lang", self.language) != self.language and tag != "html"
        skipped = tag in SKIPPED_TAGS or other
        if not self._skipping() and not skipped:
            self.chunks.extend(a[name] for name in READ_ATTRIBUTES if a.get(name))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.chunks.append(a["value"])
        if tag not in self.VOID:
            self._stack.append((tag, skipped))
            self._skipped += skipped

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                self._skipped -= sum(skipped for _tag, skipped in self._stack[index:])
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipping():
            self.chunks.append(data)


def _chunks(page: str, language: str) -> list[str]:
    parser = _Text(language)
    parser.feed(page)
    return [" ".join(chunk.split()) for chunk in parser.chunks]


def _catalogue_words() -> set[str]:
    """Every word the English catalogue uses (its Swedish terms are chosen, not leaks)."""
    with PO_FILE.open("rb") as handle:
        catalogue = read_po(handle)
    words: set[str] = set()
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            words.update(w.lower() for w in WORD.findall(string or ""))
    return words


def _data(world: World) -> list[str]:
    """Names and typed text that stay as they are, longest first (removed before the check)."""
    names = set(db.session.scalars(select(Municipality.name)))
    names |= set(db.session.scalars(select(County.name)))
    names |= set(db.session.scalars(select(Organisation.name)))  # regioner, förbund, agencies
    # API key prefixes are random ("ck_AV55kA1" holds "AV"): shown as they are, never words.
    names |= set(db.session.scalars(select(ApiToken.prefix)))
    for agreement in (world.own, world.other):
        names.add(agreement.title)
        names.update(c.name for p in agreement.parties for c in p.contacts)
    names.update(u.name for u in (*world.users.values(), world.vansbro_user, world.stockholm_user))
    names.update(u.email for u in (*world.users.values(), world.vansbro_user, world.stockholm_user))
    return sorted((n for n in names if n), key=len, reverse=True)


def _known(chunk: str) -> str | None:
    return next((name for name, pattern in KNOWN_LEAKS.items() if pattern.search(chunk)), None)


def _foreign(page: str, data: list[str], language: str, allowed: set[str]) -> list[str]:
    """The pieces of text of ``page`` in the other language than ``language``."""
    found = []
    chunks = _chunks(page, language)
    # The chunks that hold a name, found in the page's text (chunks joined by NUL, which no
    # name has); such a chunk goes through every name, as removing one could join another.
    text = "\0".join(chunks)
    starts = list(itertools.accumulate((len(chunk) + 1 for chunk in chunks[:-1]), initial=0))
    named: set[int] = set()
    for name in data:
        at = text.find(name)
        while at != -1:
            named.add(bisect.bisect_right(starts, at) - 1)
            at = text.find(name, at + 1)
    for index, chunk in enumerate(chunks):
        rest = chunk
        if index in named:
            for name in data:
                if name in rest:
                    rest = rest.replace(name, " ")
        words = [w for w in WORD.findall(rest)]
        if language == "en":
            bad = [
                w
                for w in words
                if (w.lower() in SWEDISH_WORDS or SWEDISH_LETTERS.search(w))
                and w.lower() not in allowed
            ]
        else:
            bad = [w for w in words if w.lower() in ENGLISH_WORDS]
        if bad:
            found.append(chunk)
    return found


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue() -> None:
    """`make test` compiles the catalogue first; a bare `pytest` run compiles it here."""
    mo_file = PO_FILE.with_suffix(".mo")
    if not mo_file.exists() or mo_file.stat().st_mtime < PO_FILE.stat().st_mtime:
        # Written beside and renamed: another xdist worker may be reading the file right now.
        partial = mo_file.with_suffix(f".mo.{os.getpid()}")
        with PO_FILE.open("rb") as source, partial.open("wb") as target:
            write_mo(target, read_po(source))
        os.replace(partial, mo_file)


HTML_ROUTES = [
    (endpoint, rule)
    for endpoint, rule, method in ROUTES
    if method == "GET"
    and not rule.startswith("/api/")
    and endpoint not in ("static", "core.favicon", "core.set_language", "api-docs.openapi_json")
]


def _login(client: Any, role: str) -> None:
    if role != "anon":
        response = client.post("/login", data={"email": f"{role}@vansbro.se", "password": PASSWORD})
        assert response.status_code == 302, f"{role} could not log in"


@pytest.mark.parametrize("language", ["en", "sv"])
def test_no_page_mixes_languages(app: Any, factory: Any, language: str) -> None:
    world = World(factory)
    data = _data(world)
    allowed = _catalogue_words() if language == "en" else set()
    leaks: dict[str, list[str]] = {}
    known_seen: set[str] = set()
    pages = 0
    for role in ROLES:
        client = app.test_client()
        _login(client, role)
        client.get(f"/sprak/{language}")
        values = world.values(None if role == "anon" else role, "own")
        for endpoint, rule in HTML_ROUTES:
            url = _url(rule, values)
            response = client.get(url)
            kind = response.headers.get("Content-Type", "")
            if response.status_code != 200 or not kind.startswith("text/html"):
                continue
            page = response.get_data(as_text=True)
            assert f'<html lang="{language}"' in page, url
            pages += 1
            for chunk in _foreign(page, data, language, allowed):
                known = _known(chunk) if language == "en" else None
                if known is not None:
                    known_seen.add(known)
                else:
                    leaks.setdefault(chunk, []).append(f"{role} {endpoint}")
    assert pages > 150  # the walk reached the pages, not only refusals
    report = [f"{chunk!r}  ({', '.join(sorted(set(where))[:3])})" for chunk, where in leaks.items()]
    if language == "en":
        assert sorted(set(KNOWN_LEAKS) - known_seen) == [], "fixed: remove from KNOWN_LEAKS"
    assert not leaks, f"{len(leaks)} pieces of text in the other language:\n" + "\n".join(
        sorted(report)
    )


def test_a_plan_title_is_translated_only_as_the_app_gave_it(app: Any) -> None:
    from flask_babel import force_locale

    from coop_tracker.lifecycle.titles import shown_plan_title

    with app.test_request_context(), force_locale("en"):
        assert shown_plan_title("Avveckling av Räddningstjänst Dala Mitt") == (
            "Winding up Räddningstjänst Dala Mitt"
        )
        assert shown_plan_title("Mora lämnar Lönesamverkan") == "Mora leaves Lönesamverkan"
        assert shown_plan_title("Vår egen plan för avslutet") == "Vår egen plan för avslutet"
    with app.test_request_context(), force_locale("sv"):
        assert shown_plan_title("Mora lämnar Lönesamverkan") == "Mora lämnar Lönesamverkan"


def test_every_marked_string_is_in_the_english_catalogue() -> None:
    """A string marked for translation but missing from messages.po shows in Swedish to English
    readers (``make extract`` adds it; then translate it)."""
    assert _missing_from_catalogue() == {}


def test_generated_texts_are_translated_and_typed_ones_kept(app: Any) -> None:
    """Exit tasks, reminder titles and audit labels are stored in Swedish; a reader of English
    gets what the app wrote in English, and what someone typed as typed."""
    from flask_babel import force_locale

    from coop_tracker.audit.labels import shown_object_label
    from coop_tracker.core.i18n import shown_stored
    from coop_tracker.lifecycle.exit_rules import task_rows
    from coop_tracker.lifecycle.titles import shown_task_text
    from coop_tracker.reminders.models import Kind
    from coop_tracker.reminders.rules import shown_title

    rows = task_rows("ending", "avtalssamverkan", [(1, "host"), (2, "purchaser")],
                     leaving_id=None, notice_party_id=1, due=lambda _anchor: None)  # fmt: skip
    group = next(r for r in rows if r["kind"] == "transition-group")
    assert group["title"] == "Tillsätt en gemensam övergångsgrupp med en samordnare"  # stored
    with app.test_request_context(), force_locale("en"):
        assert shown_task_text(group["title"]) == (
            "Set up a joint transition group with a coordinator"
        )
        assert shown_task_text(group["guidance"]).startswith("A group with representatives")
        assert shown_task_text("Säg upp hyresavtalet") == "Säg upp hyresavtalet"  # typed
        assert shown_title(Kind.REVIEW_DUE, "Uppföljning av Lön (HR)") == "Review of Lön (HR)"
        assert shown_title(Kind.EXIT_MILESTONE, "Övergången börjar: Mora lämnar Lön") == (
            "The transition starts: Mora leaves Lön"
        )
        task = f"{group['title']} (Lön)"
        assert shown_title(Kind.EXIT_TASK_DUE, task, shown_task_text) == (
            "Set up a joint transition group with a coordinator (Lön)"
        )
        assert shown_object_label("review", "Uppföljning 2026-03-01 av Lön (Mora)") == (
            "Review 2026-03-01 of Lön (Mora)"
        )
        assert shown_object_label("meeting", "Kommunfullmäktige (KF) 2026-06-15 (2021)") == (
            "Municipal council (KF) 2026-06-15 (2021)"
        )
        assert shown_object_label("checklist_template", "Före samverkan v2") == (
            "Before the cooperation v2"
        )
        assert shown_object_label("exit", "Vårt eget namn") == "Vårt eget namn"
        assert shown_stored("Något annat", ["Uppföljning av %(title)s"]) == "Något annat"
    with app.test_request_context(), force_locale("sv"):
        assert shown_title(Kind.REVIEW_DUE, "Uppföljning av Lön") == "Uppföljning av Lön"
        assert shown_object_label("checklist_template", "Före samverkan v2") == (
            "Före samverkan v2"
        )


def test_a_reminder_detail_is_translated_as_the_planner_wrote_it(app: Any) -> None:
    from flask_babel import force_locale

    from coop_tracker.reminders.rules import shown_detail

    stored = (
        "Uppsägningen ska ha nått de andra parterna senast 2027-06-30, minus tid för anslag "
        "och delgivning och 30 dagars förberedelse."
    )
    with app.test_request_context(), force_locale("en"):
        assert shown_detail(stored) == (
            "The notice must have reached the other parties by 2027-06-30, less the time for "
            "posting and serving and 30 days of preparation."
        )
        assert shown_detail("Annars förlängs avtalet till 2029-12-31.") == (
            "Otherwise the agreement is extended to 2029-12-31."
        )
        assert shown_detail("Ring Anna först") == "Ring Anna först"  # typed: as it is
    with app.test_request_context(), force_locale("sv"):
        assert shown_detail(stored) == stored


def test_a_checklist_reminder_names_its_question_in_the_readers_language(app: Any) -> None:
    from flask_babel import force_locale

    from coop_tracker.checklists.templates import item_texts_en
    from coop_tracker.reminders.models import Kind
    from coop_tracker.reminders.views import reminder_title

    swedish, english = next(iter(item_texts_en().items()))
    stored = f"{swedish} (Lön (HR))"  # as the planner stores it: question (agreement title)
    with app.test_request_context(), force_locale("en"):
        assert reminder_title(stored, Kind.CHECKLIST_ITEM_DUE) == f"{english} (Lön (HR))"
        typed = "Egen fråga (Lön)"
        assert reminder_title(typed, Kind.CHECKLIST_ITEM_DUE) == typed
    with app.test_request_context(), force_locale("sv"):
        assert reminder_title(stored, Kind.CHECKLIST_ITEM_DUE) == stored


def test_the_warnings_after_a_decide_by_detail_are_translated(app: Any) -> None:
    """The planner stores a decide-by detail in Swedish with its warnings after it; a reader of
    English gets the explanation and every warning in English."""
    from datetime import date

    from flask_babel import force_locale

    from coop_tracker.agreements import dates
    from coop_tracker.reminders.deadlines import decide_by_detail
    from coop_tracker.reminders.rules import NOTICE_REACHED, shown_detail
    from coop_tracker.schedule.rules import PartyDecideBy, warning_text

    missing = dates.DateWarning("calendar_missing", {"year": 2027, "body": "kf"})
    late = dates.DateWarning("no_meeting", {"body": "kf", "latest_on": date(2027, 5, 31)})
    with app.test_request_context(), force_locale("sv"):
        party = PartyDecideBy(
            municipality_code="2021",
            body="kf",
            decide_by_on=date(2027, 4, 1),
            warnings=[warning_text(missing, "Vansbro"), warning_text(late, "Vansbro")],
        )
        stored = decide_by_detail(party, date(2027, 6, 30), NOTICE_REACHED.source, 30)
    assert "Sammanträdesplan för 2027 saknas för Vansbro" in stored  # stored in Swedish
    with app.test_request_context(), force_locale("en"):
        shown = shown_detail(stored)
    assert shown.startswith("The notice must have reached the other parties by 2027-06-30")
    assert "The 2027 meeting calendar is missing for Vansbro" in shown
    assert "2027-05-31" in shown
    assert not SWEDISH_LETTERS.search(shown.replace("Vansbro", "")), shown
    assert not set(WORD.findall(shown)) & SWEDISH_WORDS, shown


def test_a_reminder_title_cut_to_length_is_still_translated(app: Any) -> None:
    """A title longer than the stored 300 characters is shortened in its names, not in its
    words: a reader of English still reads it in English."""
    from datetime import date

    from flask_babel import force_locale

    from coop_tracker.reminders.deadlines import Deadline
    from coop_tracker.reminders.models import Kind
    from coop_tracker.reminders.planner import _rows_for
    from coop_tracker.reminders.recipients import Recipient
    from coop_tracker.reminders.rules import (
        CONTINUATION_TITLE,
        LEAVES_TITLE,
        TRANSITION_ENDS_TITLE,
        shown_title,
        stored,
    )

    agreement, party = "Gemensam lönehantering " * 9, "Vansbro " * 15  # 207 and 120 long
    cases = {
        Kind.CONTINUATION: stored(CONTINUATION_TITLE, title=agreement, party=party),
        Kind.EXIT_MILESTONE: stored(
            TRANSITION_ENDS_TITLE, what=stored(LEAVES_TITLE, party=party, title=agreement)
        ),
    }
    recipient = Recipient(key="u:1", email="a@example.se", name="A", lead_days=(7,))
    for kind, title in cases.items():
        assert len(title) > 300
        deadline = Deadline(kind, "agreement", 1, 1, agreement, date(2027, 1, 10), title)
        row = _rows_for(deadline, recipient, date(2027, 1, 5))[0]
        assert len(row["title"]) <= 300
        with app.test_request_context(), force_locale("en"):
            shown = shown_title(kind, row["title"])
        assert shown.startswith(
            ("Decision on an extension or a new agreement: Gemensam", "The transition is to be")
        ), shown
        assert "…" in shown
        if kind == Kind.EXIT_MILESTONE:
            assert " leaves Gemensam" in shown, shown
