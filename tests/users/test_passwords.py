"""Password rules (issue #18): at least 12 characters, not a known breached or common password
(checked offline against the shipped list), not built on an easy word, no composition rules."""

from __future__ import annotations

import pytest

from coop_tracker.users.passwords import COMMON_LIST, common_passwords, password_problems


def test_the_shipped_breach_list_is_read_offline():
    assert COMMON_LIST.exists()
    words = common_passwords()
    assert len(words) == 19640
    assert {"password", "qwerty123456", "1q2w3e4r5t6y"} <= words


@pytest.mark.parametrize(
    "password",
    [
        "losenordlosenord",  # the tester's example: a context word, repeated
        "lösenordlösenord",
        "Lösenord2026!!",
        "qwerty123456",  # in the breach list as it is
        "1q2w3e4r5t6y",
        "Password123456",  # a listed word with digits after it
        "!!dragon2026!!",
        "monkeymonkeymonkey",
        "Sommar2026!!!",
        "samverkanskollen",
        "123456789012",
        "abcdefghijklm",
        "aaaaaaaaaaaaaa",
        "abababababab",
    ],
)
def test_common_and_easily_guessed_passwords_are_refused(password):
    problems = password_problems(password)
    assert problems, password


@pytest.mark.parametrize(
    "password",
    [
        "korv med bröd i regnet",  # a passphrase: no digits, no capitals, fine
        "ett-langt-losenord-123",
        "tre blå hästar springer",
        "zq7!kd9#mw2@",  # short and random is fine too
    ],
)
def test_long_or_random_passwords_need_no_special_characters(password):
    assert password_problems(password) == []


def test_too_short_says_how_long():
    [problem] = password_problems("kort-men-ok")
    assert "minst 12 tecken" in problem


def test_not_the_users_own_name_or_address():
    problems = password_problems(
        "anna.aberg-vansbro", email="anna.aberg@vansbro.se", name="Anna Åberg"
    )
    assert any("namn eller din e-postadress" in p for p in problems)


def test_admin_page_refuses_a_breached_password(client, auth, factory):
    factory.user("admin", None, email="admin@vansbro.se")
    auth.login("admin@vansbro.se")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "ny@vansbro.se",
            "name": "Ny Person",
            "role": "reader",
            "municipality_code": "2021",
            "password": "losenordlosenord",
        },
    )
    assert response.status_code == 422
    assert "lätt att gissa" in response.get_data(as_text=True)
