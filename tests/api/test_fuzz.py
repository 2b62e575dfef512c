"""The API fuzzed from its own OpenAPI document (schemathesis): no answer is a server error and
every answer matches the documented schema. A fixed number of examples keeps it fast."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from tests.app_support import introspection_app

MAX_EXAMPLES = 20
CASES: Counter[str] = Counter()


@pytest.fixture
def fuzz_token(app: Any, factory: Any, saved_world: Any) -> str:
    """An administrator's token (so every operation is allowed) and some data to find: built by
    the first operation's test and put back (as saved) for every later one."""

    def build() -> str:
        admin = factory.user("admin", "2021", email="fuzz@example.se")
        for n, (phase, public) in enumerate(
            (("active", True), ("planned", False), ("ended", True))
        ):
            agreement = factory.agreement(
                title=f"Fuzzad samverkan {n}", phase=phase, is_public=public
            )
            add_contact(
                db.session, agreement.parties[0], ContactInput(name="Kim"), actor=Actor.system()
            )
        db.session.commit()
        return factory.token(admin)

    return saved_world.get(app, "api-fuzz", build)


def _openapi_document() -> dict[str, Any]:
    """The app's own OpenAPI document (needs no database).

    Loaded eagerly: schemathesis' fixture-based loader does not work with pytest 9.2 (it sets a
    private node attribute that pytest removed); each case is sent to the test's own app.
    """
    return introspection_app().test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(
        f"\nschemathesis: {sum(CASES.values())} cases over {len(CASES)} operations: {dict(CASES)}"
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_and_matches_its_schema(app: Any, case: Any, fuzz_token: str) -> None:
    CASES[f"{case.method} {case.path}"] += 1
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
