"""A kommun's own list of nämnder: kept by its kommun administrators, picked from by its parties.

Kommunfullmäktige and kommunstyrelsen are in every list without a row; the kommun adds its own
nämnder (Socialnämnden, Miljö- och byggnadsnämnden…). A party of the kommun names its
responsible nämnd by name (``Party.responsible_body``): a name in the list is written as the
list writes it; a name from before the list existed is kept and shown as "ej i listan" until the
nämnd is added (then it matches by name) or another is picked. Renaming a nämnd renames it in
the kommun's parties too, in the same audited change.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Party
from coop_tracker.audit.services import record
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.collation import sort_key
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import KommunBody, Municipality

KOMMUNFULLMAKTIGE = "Kommunfullmäktige"
KOMMUNSTYRELSEN = "Kommunstyrelsen"
FIXED_BODIES = (KOMMUNFULLMAKTIGE, KOMMUNSTYRELSEN)
MAX_BODIES = 100


def _key(name: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


def kommun_bodies(session: Session, code: str) -> list[KommunBody]:
    """The kommun's own nämnder (rows), in Swedish order."""
    return _bodies_of(session, {code})


def _bodies_of(session: Session, codes: Collection[str]) -> list[KommunBody]:
    """The nämnder of these kommuner (rows), in Swedish order."""
    rows = session.scalars(
        select(KommunBody).where(KommunBody.municipality_code.in_(sorted(codes)))
    ).all()
    return sorted(rows, key=lambda b: sort_key(b.name))


def body_names(session: Session, code: str) -> list[str]:
    """Every name the kommun's parties may pick: fullmäktige, styrelsen, then its nämnder."""
    return [*FIXED_BODIES, *(b.name for b in kommun_bodies(session, code))]


def body_names_by_kommun(session: Session, codes: set[str]) -> dict[str, list[str]]:
    """``body_names`` for several kommuner in one query."""
    found: dict[str, list[str]] = {code: list(FIXED_BODIES) for code in codes}
    if codes:
        rows = session.execute(
            select(KommunBody.municipality_code, KommunBody.name).where(
                KommunBody.municipality_code.in_(codes)
            )
        ).all()
        for code, name in sorted(rows, key=lambda r: sort_key(r[1])):
            found[code].append(name)
    return found


def listed_name(names: list[str], value: str) -> str | None:
    """The list's spelling of ``value`` when the list has it, else None."""
    wanted = _key(value)
    return next((name for name in names if _key(name) == wanted), None)


def _check(actor: Actor, municipality: Municipality) -> None:
    if actor.user is not None and not can(actor.user, "municipality.settings", municipality):
        raise PermissionDenied()


def _valid_name(
    session: Session, municipality: Municipality, value: Any, keep: KommunBody | None = None
) -> str:
    others = [b for b in kommun_bodies(session, municipality.code) if b is not keep]
    return _checked_name(municipality, value, [b.name for b in others], adding=keep is None)


def _checked_name(
    municipality: Municipality, value: Any, listed: list[str], *, adding: bool
) -> str:
    """``value`` as a nämnd's name, tidied, when the kommun's ``listed`` nämnder (KF and KS
    aside) leave room for it; otherwise the field's error."""
    errors = v.Errors()
    name = " ".join(
        v.text(value, "name", _("Nämndens namn"), errors, max_length=120, required=True).split()
    )
    if not errors:
        clash = listed_name([*FIXED_BODIES, *listed], name)
        if clash is not None:
            errors.add(
                "name",
                _(
                    "Nämndens namn: ”%(name)s” finns redan i listan för %(kommun)s.",
                    name=clash,
                    kommun=municipality.name,
                ),
            )
        elif adding and len(listed) >= MAX_BODIES:
            errors.add(
                "name", _("Listan kan ha högst %(n)s nämnder utöver KF och KS.", n=MAX_BODIES)
            )
    if errors:
        raise ValidationFailed(dict(errors))
    return name


def _label(body: KommunBody, municipality: Municipality) -> str:
    return _("%(body)s (%(kommun)s)", body=body.name, kommun=municipality.name)


def parties_naming(session: Session, code: str, name: str) -> int:
    """How many of the kommun's parties name this nämnd as responsible."""
    return (
        session.scalar(
            select(func.count(Party.id)).where(
                Party.municipality_code == code, Party.responsible_body == name
            )
        )
        or 0
    )


def add_body(
    session: Session, municipality: Municipality, name: Any, *, actor: Actor
) -> KommunBody:
    """Add a nämnd to the kommun's list. Parties that already named it (before the list, as
    free text) now match it; their spelling becomes the list's."""
    return add_bodies(session, municipality, [name], actor=actor)[0]


def add_bodies(
    session: Session, municipality: Municipality, names: list[Any], *, actor: Actor
) -> list[KommunBody]:
    """``add_body`` for several names at once, in their order (a new kommun's whole list):
    the list and the kommun's parties read once, each nämnd audited on its own."""
    return add_lists(session, {municipality: names}, actor=actor)[municipality.code]


def add_lists(
    session: Session, lists: Mapping[Municipality, Sequence[Any]], *, actor: Actor
) -> dict[str, list[KommunBody]]:
    """``add_bodies`` for several kommuner at once (every list of a new installation), in their
    order: their lists and their parties read in one query each, the nämnder written in one
    flush and their audit events in another. Nothing is added when any name is refused."""
    for municipality in lists:
        _check(actor, municipality)
    codes = {municipality.code for municipality in lists}
    listed: dict[str, list[str]] = {code: [] for code in codes}
    for body in _bodies_of(session, codes):
        listed[body.municipality_code].append(body.name)
    added: dict[str, list[KommunBody]] = {}
    for municipality, names in lists.items():
        have = listed[municipality.code]
        bodies = added.setdefault(municipality.code, [])
        for name in names:
            clean = _checked_name(municipality, name, have, adding=True)
            have.append(clean)
            bodies.append(KommunBody(municipality_code=municipality.code, name=clean))
    session.add_all([body for bodies in added.values() for body in bodies])
    session.flush()
    naming: dict[str, list[Party]] = {code: [] for code in codes}
    for party in _naming_parties_of(session, codes):
        naming[party.municipality_code or ""].append(party)
    for municipality in lists:
        for body in added[municipality.code]:
            wanted = _key(body.name)
            moved = _rename(
                naming[municipality.code],
                lambda value, wanted=wanted: _key(value) == wanted,
                body.name,
            )
            _record_name(session, actor, municipality, body, None, moved)
    session.flush()
    return added


def rename_body(
    session: Session,
    municipality: Municipality,
    body: KommunBody,
    name: Any,
    *,
    expected_version: Any,
    actor: Actor,
) -> KommunBody:
    """Rename a nämnd; the kommun's parties that name it follow."""
    _check(actor, municipality)
    check_version(expected_version, body.version, lambda: {"name": body.name}, strict=False)
    clean = _valid_name(session, municipality, name, keep=body)
    old = body.name
    if clean == old:
        return body
    body.name = clean
    _save_name(session, actor, municipality, body, old, lambda value: value == old)
    return body


def _save_name(
    session: Session,
    actor: Actor,
    municipality: Municipality,
    body: KommunBody,
    old: str | None,
    matches: Callable[[str], bool],
) -> None:
    """Flush a renamed nämnd, write its name into the kommun's parties that ``matches``, and
    audit both."""
    session.flush()
    moved = _rename_in_parties(session, municipality.code, matches, body.name)
    _record_name(session, actor, municipality, body, old, moved)


def _record_name(
    session: Session,
    actor: Actor,
    municipality: Municipality,
    body: KommunBody,
    old: str | None,
    moved: int,
) -> None:
    """Audit a nämnd's new name (a creation when there was no ``old`` name) and how many of
    the kommun's parties took it."""
    changes: dict[str, Any] = {"name": [old, body.name]}
    if moved:
        changes["parties"] = [None, moved]
    action = "create" if old is None else "update"
    _record_body(session, actor, municipality, action, body.id, _label(body, municipality), changes)


def _record_body(
    session: Session,
    actor: Actor,
    municipality: Municipality,
    action: str,
    body_id: int,
    label: str,
    changes: dict[str, Any],
) -> None:
    record(
        session,
        actor,
        action=action,
        object_type="kommun_body",
        object_id=body_id,
        label=label,
        municipality_code=municipality.code,
        changes=changes,
    )


def remove_body(
    session: Session, municipality: Municipality, body: KommunBody, *, actor: Actor
) -> int:
    """Take a nämnd off the list (it was abolished or merged). Parties that named it keep the
    name, shown as "ej i listan", so nothing is lost; returns how many they are."""
    _check(actor, municipality)
    naming = parties_naming(session, municipality.code, body.name)
    label = _label(body, municipality)
    body_id = body.id
    changes: dict[str, Any] = {"name": [body.name, None]}
    if naming:
        changes["parties"] = [naming, None]
    session.delete(body)
    session.flush()
    _record_body(session, actor, municipality, "delete", body_id, label, changes)
    return naming


def _rename_in_parties(session: Session, code: str, matches: Any, name: str) -> int:
    """Write ``name`` into the kommun's parties whose responsible nämnd ``matches``; each party
    through the ORM, so its version moves on and an open edit of it sees the change."""
    changed = _rename(_naming_parties(session, code), matches, name)
    session.flush()
    return changed


def _naming_parties(session: Session, code: str) -> list[Party]:
    """The kommun's parties that name a responsible nämnd."""
    return _naming_parties_of(session, {code})


def _naming_parties_of(session: Session, codes: Collection[str]) -> list[Party]:
    """The parties of these kommuner that name a responsible nämnd."""
    return list(
        session.scalars(
            select(Party).where(
                Party.municipality_code.in_(sorted(codes)), Party.responsible_body != ""
            )
        ).all()
    )


def _rename(parties: list[Party], matches: Any, name: str) -> int:
    changed = 0
    for party in parties:
        if party.responsible_body != name and matches(party.responsible_body):
            party.responsible_body = name
            changed += 1
    return changed


def party_counts(session: Session, code: str) -> dict[str, int]:
    """How many of the kommun's parties name each responsible nämnd, by name."""
    rows = session.execute(
        select(Party.responsible_body, func.count(Party.id))
        .where(Party.municipality_code == code, Party.responsible_body != "")
        .group_by(Party.responsible_body)
    ).all()
    return {name: count for name, count in rows}


def unlisted_names(session: Session, code: str) -> list[tuple[str, int]]:
    """Names the kommun's parties give as responsible nämnd that the list does not have (from
    before the list, or taken off it), with how many parties give each."""
    names = body_names(session, code)
    counts = party_counts(session, code)
    return sorted(
        ((name, n) for name, n in counts.items() if listed_name(names, name) is None),
        key=lambda row: sort_key(row[0]),
    )
