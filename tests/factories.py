"""Test data builders that go through the services (so audit and validation apply)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
from coop_tracker.core.actor import Actor
from coop_tracker.users.models import User
from coop_tracker.users.services import UserInput, create_token, create_user

PASSWORD = "ett-langt-losenord-123"
_counter = itertools.count(1)


class Factory:
    """Creates users, tokens and agreements in the test database."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.actor = Actor.system("cli")

    def user(self, role: str = "editor", municipality: str | None = "2021", **extra: Any) -> User:
        n = next(_counter)
        data = UserInput(
            email=extra.pop("email", f"user{n}@example.se"),
            name=extra.pop("name", f"Testperson {n}"),
            role=role,
            municipality_code=municipality if role != "admin" or municipality else None,
            password=PASSWORD,
        )
        user = create_user(self.session, data, actor=self.actor)
        self.session.commit()
        return user

    def token(self, user: User) -> str:
        _token, plain = create_token(self.session, user, "test", actor=self.actor)
        self.session.commit()
        return plain

    def agreement(
        self,
        parties: list[tuple[str, str]] | None = None,
        *,
        form: str = "avtalssamverkan",
        phase: str | None = None,
        areas: list[str] | None = None,
        **fields: Any,
    ) -> Agreement:
        n = next(_counter)
        data = AgreementInput(
            title=fields.pop("title", f"Samverkan nummer {n}"),
            form=form,
            area_slugs=areas or ["miljo-halsoskydd"],
            parties=[
                PartyInput(municipality_code=code, role=role)
                for code, role in (parties or [("2021", "host"), ("2023", "purchaser")])
            ],
            **{"start_on": "2024-01-01", **fields},
        )
        agreement = create_agreement(self.session, data, actor=self.actor).agreement
        if phase:
            agreement.phase = phase  # tests of visibility only; real changes go via lifecycle
        self.session.commit()
        return agreement
