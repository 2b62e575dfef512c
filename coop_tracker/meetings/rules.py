"""Names of the decision bodies, which body decides a party's notice, and the weekday shift."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from coop_tracker.core.i18n import _l
from coop_tracker.meetings.models import Body

BODY_LABELS: dict[str, str] = {
    Body.KF: _l("Kommunfullmäktige (KF)"),
    Body.KS: _l("Kommunstyrelsen (KS)"),
    Body.NAMND: _l("Nämnd"),
}
BODY_SHORT: dict[str, str] = {Body.KF: _l("KF"), Body.KS: _l("KS"), Body.NAMND: _l("Nämnd")}
# What a CSV file may say in the body column.
BODY_ALIASES: dict[str, str] = {
    "kf": Body.KF,
    "kommunfullmäktige": Body.KF,
    "fullmäktige": Body.KF,
    "ks": Body.KS,
    "kommunstyrelsen": Body.KS,
    "kommunstyrelse": Body.KS,
    "nämnd": Body.NAMND,
    "namnd": Body.NAMND,
}
DEFAULT_DECIDING_BODY = Body.KF


def deciding_body(decision_body_text: str | None) -> str:
    """The body a decision record names: KS when it names the kommunstyrelse, a nämnd when it
    names one, otherwise KF (fullmäktige decides on entering and leaving cooperation)."""
    text = (decision_body_text or "").strip().lower()
    if text.startswith("kommunstyrelse") or text in ("ks", "kommunstyrelsen"):
        return Body.KS
    if "nämnd" in text or "namnd" in text:
        return Body.NAMND
    return DEFAULT_DECIDING_BODY


# Forms whose notice is a fullmäktige matter whatever body took the first decision: leaving a
# kommunalförbund or a gemensam nämnd changes the förbundsordning or the reglemente.
KF_FORMS = frozenset({"kommunalforbund", "gemensam_namnd"})


def party_deciding_body(
    form: str, deciding: str | None, deciding_name: str | None, decision_body_text: str | None
) -> tuple[str, str]:
    """``(body, nämnd name)`` that decides one party's notice.

    The party's own setting wins; otherwise KF for kommunalförbund and gemensam nämnd, and for
    other forms the KS or nämnd its decision record names (else KF).
    """
    if deciding:
        return deciding, (deciding_name or "") if deciding == Body.NAMND else ""
    if form in KF_FORMS:
        return Body.KF, ""
    body = deciding_body(decision_body_text)
    return body, (decision_body_text or "").strip() if body == Body.NAMND else ""


def same_weekday_next_year(day: date) -> date:
    """The same weekday in the same week of the month one year later.

    The 2nd Tuesday of March 2026 becomes the 2nd Tuesday of March 2027; a meeting in the
    fifth week becomes the last such weekday of the month. Meetings follow a weekday rhythm
    ("second Monday of the month"), not a calendar date.
    """
    nth = (day.day - 1) // 7  # 0-based week of the month
    year, month = day.year + 1, day.month
    first = date(year, month, 1)
    offset = (day.weekday() - first.weekday()) % 7
    candidate = first + timedelta(days=offset + 7 * nth)
    last_day = calendar.monthrange(year, month)[1]
    while candidate.month != month or candidate.day > last_day:
        candidate -= timedelta(days=7)
    return candidate
