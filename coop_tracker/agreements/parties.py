"""An agreement's parties: checking them as typed (``clean_parties``: organisation, role,
decision, responsible nämnd and official, shares) and applying them to a saved agreement
(``apply_parties``: add, change, remove, each in the audit log)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.bodies import body_names_by_kommun, listed_name
from coop_tracker.agreements.inputs import (
    PARTY_FIELDS,
    PartyInput,
    agreement_snapshot,
    party_snapshot,
)
from coop_tracker.agreements.models import Agreement, DecidingBody, Party, Phase
from coop_tracker.agreements.rules import (
    PartyKind,
    party_kind_errors,
    role_rule_errors,
)
from coop_tracker.agreements.schemas import MAX_PARTIES, CheckedPartySchema
from coop_tracker.audit.services import diff, record, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.services import find_organisation
from coop_tracker.users.models import User

# A party's fields that are looked up here; the others are read by ``CheckedPartySchema``.
LOOKED_UP = ("organisation_id", "municipality_code", "responsible_user_id")


def clean_parties(
    session: Session, parties: Any, form: str | None, errors: v.Errors, today: date
) -> list[dict[str, Any]]:
    if not isinstance(parties, list | tuple):
        errors.add("parties", _("Parter ska anges som en lista."))
        return []
    if len(parties) > MAX_PARTIES:
        errors.add("parties", _("En samverkan kan ha högst %(n)s parter.", n=MAX_PARTIES))
        return []
    codes = [
        p.municipality_code
        for p in parties
        if isinstance(p.municipality_code, str) and v.is_plain_key(p.municipality_code, 4)
    ]
    kommuner = {
        o.municipality_code or "": o
        for o in session.scalars(
            select(Organisation).where(Organisation.municipality_code.in_(codes))
        )
    }
    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    kinds: list[PartyKind] = []
    lists = body_names_by_kommun(session, set(codes) & set(kommuner))
    for index, party in enumerate(parties):
        prefix = f"parties-{index}-"
        org = _party_organisation(session, party, kommuner, prefix, index, errors)
        if org is not None:
            if org.id in seen:
                errors.add(
                    prefix + ("organisation" if party.organisation else "municipality_code"),
                    _("Part %(n)s: kommunen finns redan med som part.", n=index + 1)
                    if org.municipality_code
                    else _(
                        "Part %(n)s: %(name)s finns redan med som part.", n=index + 1, name=org.name
                    ),
                )
            seen.add(org.id)
        label = _("Part %(n)s", n=index + 1)
        fields, refusals = CheckedPartySchema(index + 1, today).check(vars(party))
        for name, message in refusals.items():
            errors.add(name, message)
        row = {
            "organisation": org,
            "organisation_id": org.id if org is not None else None,
            "municipality_code": org.municipality_code if org is not None else None,
            **{name: fields.get(name) for name in PARTY_FIELDS if name not in LOOKED_UP},
            "deciding_body": fields.get("deciding_body") or DecidingBody.DEFAULT,
            "responsible_user_id": _responsible_user(
                session, party.responsible_user_id, org, prefix, label, errors
            ),
            "id": party.id,
            "version": party.version,
        }
        if org is not None and org.municipality_code and row["responsible_body"]:
            row["responsible_body"] = _listed_body(
                session, org, party.id, row["responsible_body"], prefix, label, errors, lists
            )
        if org is not None and row["role"] and not row["left_on"]:
            kinds.append(
                PartyKind(org.kind, row["role"], org.name, org.org_number, org.municipality_code)
            )
        cleaned.append(row)
    shares = [p["cost_share_percent"] for p in cleaned if p["cost_share_percent"] is not None]
    if shares and sum(shares) > Decimal("100.5"):
        errors.add("parties", _("Kostnadsandelarna är sammanlagt mer än 100 %."))
    owned = [p["ownership_percent"] for p in cleaned if p["ownership_percent"] is not None]
    if owned and sum(owned) > Decimal("100.5"):
        errors.add("parties", _("Ägarandelarna är sammanlagt mer än 100 %."))
    current_roles = [p["role"] for p in cleaned if p["role"] and not p["left_on"]]
    if form and len(cleaned) and not any(k.startswith("parties") for k in errors):
        problems = role_rule_errors(form, current_roles) + party_kind_errors(form, kinds)
        if problems:
            errors.add("parties", " ".join(problems))
    elif len(parties) < 2 and "parties" not in errors:
        errors.add("parties", _("En samverkan måste ha minst två parter."))
    return cleaned


def _party_organisation(
    session: Session,
    party: PartyInput,
    kommuner: dict[str, Organisation],
    prefix: str,
    index: int,
    errors: v.Errors,
) -> Organisation | None:
    """The organisation a party names: ``organisation`` (or its id) first, else the kommunkod."""
    given = party.organisation
    if given in (None, "") and party.organisation_id not in (None, ""):
        given = party.organisation_id
    if given not in (None, ""):
        org = find_organisation(session, given)
        if org is None:
            errors.add(
                prefix + "organisation",
                _(
                    "Part %(n)s: okänd organisation %(value)s (kommunkod, länskod, "
                    "organisationsnummer eller id).",
                    n=index + 1,
                    value=repr(str(given)[:20]),
                ),
            )
        return org
    code = party.municipality_code
    if code in (None, ""):
        errors.add(prefix + "municipality_code", _("Part %(n)s: välj kommun.", n=index + 1))
        return None
    if not isinstance(code, str) or code not in kommuner:
        errors.add(
            prefix + "municipality_code",
            _(
                "Part %(n)s: okänd kommunkod %(code)s (fyra siffror, t.ex. 0180).",
                n=index + 1,
                code=repr(str(code)[:10]),
            ),
        )
        return None
    return kommuner[code]


def _listed_body(
    session: Session,
    org: Organisation,
    party_id: Any,
    value: str,
    prefix: str,
    label: str,
    errors: v.Errors,
    lists: dict[str, list[str]],
) -> str:
    """A kommun party's responsible nämnd: a name from the kommun's list (written the list's
    way), or the name the party already has (from before the list: kept, "ej i listan")."""
    code = org.municipality_code or ""
    if code not in lists:
        lists.update(body_names_by_kommun(session, {code}))
    names = lists[code]
    found = listed_name(names, value)
    if found is not None:
        return found
    if (
        isinstance(party_id, int)
        and v.is_row_id(party_id)
        and value
        == session.scalar(
            select(Party.responsible_body).where(
                Party.id == party_id, Party.organisation_id == org.id
            )
        )
    ):
        return value
    errors.add(
        prefix + "responsible_body",
        _(
            "%(party)s: ansvarig nämnd ”%(name)s” finns inte i listan över nämnder för "
            "%(kommun)s. Välj en av: %(names)s. Kommunens administratör lägger till nämnder "
            "i listan.",
            party=label,
            name=value[:120],
            kommun=org.name,
            names=", ".join(names[:12]) + (" …" if len(names) > 12 else ""),
        ),
    )
    return value


def _responsible_user(
    session: Session,
    value: Any,
    org: Organisation | None,
    prefix: str,
    label: str,
    errors: v.Errors,
) -> int | None:
    """A user of the party's own kommun (or an admin) as its responsible official."""
    if value in (None, ""):
        return None
    number = v.integer(
        value,
        prefix + "responsible_user_id",
        label + ": " + _("ansvarig tjänsteperson"),
        errors,
        minimum=1,
        maximum=2**31 - 1,
    )
    if number is None:
        return None
    user = session.get(User, number) if v.is_row_id(number) else None
    kommun = org.municipality_code if org is not None else None
    outside = (
        user is not None
        and user.role != "admin"
        and kommun is not None
        and user.municipality_code != kommun
    )
    if user is None or not user.is_active or outside:
        errors.add(
            prefix + "responsible_user_id",
            _(
                "%(party)s: välj en aktiv användare i partens egen kommun som ansvarig.",
                party=label,
            ),
        )
        return None
    return user.id


def new_party(row: dict[str, Any]) -> Party:
    """A new party from a row of ``clean_parties``: with the organisation it looked up, and no
    contacts yet (so neither is read back: its kommunkod and its first contact)."""
    party = Party(**{k: row[k] for k in PARTY_FIELDS}, organisation=row["organisation"])
    party.contacts = []
    return party


def apply_parties(
    session: Session, agreement: Agreement, rows: list[dict[str, Any]], actor: Actor
) -> None:
    existing = {p.organisation_id: p for p in agreement.parties}
    by_id = {p.id: p for p in agreement.parties}
    wanted: set[int] = set()
    for index, row in enumerate(rows):
        party = by_id.get(row["id"]) if row["id"] else None
        if party is None:
            party = existing.get(row["organisation_id"])
        if party is None:
            party = new_party(row)
            agreement.parties.append(party)
            session.flush()
            created = diff({}, party_snapshot(party))
            record(session, actor, action="create", changes=created, **_about(party, agreement))
            wanted.add(party.id)
            continue
        if row["version"] is not None and int(row["version"]) != party.version:
            raise StaleVersion(
                agreement_snapshot(agreement),
                agreement.version,
                _(
                    "Part %(n)s har ändrats av någon annan sedan du öppnade sidan. "
                    "Ladda om och försök igen.",
                    n=index + 1,
                ),
            )
        before = party_snapshot(party)
        for name in PARTY_FIELDS:
            setattr(party, name, row[name])
        # The agreement's own change flushes every party at once.
        after = party_snapshot(party)
        record_update(session, actor, before, after, flush=False, **_about(party, agreement))
        wanted.add(party.id)
    for party in list(agreement.parties):
        if party.id is not None and party.id not in wanted:
            if agreement.phase != Phase.PLANNED:
                raise ValidationFailed(
                    {
                        "parties": _(
                            "En part kan bara tas bort medan samverkan är planerad. "
                            "Registrera i stället att kommunen lämnar (datum för utträde)."
                        )
                    }
                )
            deleted = diff(party_snapshot(party), {})
            record(session, actor, action="delete", changes=deleted, **_about(party, agreement))
            agreement.parties.remove(party)


def _about(party: Party, agreement: Agreement) -> dict[str, Any]:
    """The party as its audit events name it: within its agreement, under its kommun."""
    name = party.name or party.municipality_code or ""
    return {
        "object_type": "party",
        "object_id": party.id,
        "label": f"{name} i {agreement.title}",
        "agreement_id": agreement.id,
        "municipality_code": party.municipality_code,
    }
