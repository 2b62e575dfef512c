"""The reminder digest e-mail (Swedish, plain text + HTML) and sending it over SMTP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

from markupsafe import escape

from coop_tracker.core.i18n import swedish
from coop_tracker.reminders.models import OVERDUE
from coop_tracker.reminders.rules import KIND_LABELS


@dataclass(frozen=True)
class DigestItem:
    """One deadline in a digest (several lead-time rows of one deadline become one item)."""

    kind: str
    due_on: date
    title: str
    detail: str
    agreement_id: int
    overdue: bool


def items_from_rows(rows: Sequence[Any], today: date) -> list[DigestItem]:
    """One item per deadline, overdue first, then by date."""
    seen: dict[tuple[Any, ...], DigestItem] = {}
    for row in rows:
        key = (row.kind, row.subject_type, row.subject_id, row.due_on)
        overdue = row.lead_days == OVERDUE or row.due_on < today
        if key not in seen:
            seen[key] = DigestItem(
                kind=row.kind,
                due_on=row.due_on,
                title=row.title,
                detail=row.detail,
                agreement_id=row.agreement_id,
                overdue=overdue,
            )
    return sorted(seen.values(), key=lambda i: (not i.overdue, i.due_on, i.title))


def _when(item: DigestItem, today: date) -> str:
    days = (item.due_on - today).days
    if days < 0:
        return f"försenad sedan {item.due_on} ({-days} dagar)"
    if days == 0:
        return f"i dag {item.due_on}"
    if days == 1:
        return f"i morgon {item.due_on}"
    return f"{item.due_on} (om {days} dagar)"


def subject_for(items: Sequence[DigestItem]) -> str:
    """Swedish subject with å, ä and ö; says how many and whether anything is overdue."""
    count = len(items)
    noun = "påminnelse" if count == 1 else "påminnelser"
    overdue = sum(1 for i in items if i.overdue)
    tail = f", varav {overdue} försenade" if overdue > 1 else (", 1 försenad" if overdue else "")
    return f"Samverkanskollen: {count} {noun} om ärenden att göra{tail}"


def build_digest(
    *,
    sender: str,
    reply_to: str = "",
    to_email: str,
    to_name: str,
    items: Sequence[DigestItem],
    base_url: str,
    today: date,
    now: datetime,
) -> EmailMessage:
    """One e-mail with every item for one recipient; each item links to its agreement."""
    base = base_url.rstrip("/")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject_for(items)
    message["From"] = sender
    if reply_to:
        message["Reply-To"] = reply_to
    message["To"] = _address(to_name, to_email)
    message["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"

    greeting = f"Hej {to_name}!" if to_name else "Hej!"
    lines = [greeting, "", f"Det här behöver du hålla koll på i Samverkanskollen ({today}):", ""]
    html_items = []
    for item in items:
        link = f"{base}/agreements/{item.agreement_id}"
        label = swedish(KIND_LABELS.get(item.kind, item.kind))
        lines.append(f"* {label}, {_when(item, today)}: {item.title}")
        if item.detail:
            lines.append(f"  {item.detail}")
        lines.append(f"  {link}")
        lines.append("")
        html_items.append(
            f"<li><strong>{escape(label)}, {escape(_when(item, today))}</strong>: "
            f'<a href="{escape(link)}">{escape(item.title)}</a>'
            + (f"<br>{escape(item.detail)}" if item.detail else "")
            + "</li>"
        )
    settings = f"{base}/installningar"
    footer = (
        "Du får brevet eftersom du är redaktör för en kommun som är part, eller kontaktperson "
        "som har valt att få påminnelser. Dina påminnelsedagar ändrar du här:"
    )
    lines += ["--", footer, settings]
    message.set_content("\n".join(lines), charset="utf-8")
    html = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{escape(message['Subject'])}</title></head><body>"
        f"<p>{escape(greeting)}</p>"
        f"<p>Det här behöver du hålla koll på i Samverkanskollen ({today}):</p>"
        f"<ul>{''.join(html_items)}</ul>"
        f'<p>{escape(footer)} <a href="{escape(settings)}">{escape(settings)}</a></p>'
        "</body></html>"
    )
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def _address(name: str, email: str) -> str:
    try:
        return str(Address(display_name=name, addr_spec=email))
    except (ValueError, IndexError):
        return formataddr((name, email))
