"""Failed logins lock out the username and the address (django-axes), across web processes:
answered 429 with Retry-After, on the login page and the admin's alike."""

from __future__ import annotations

import pytest

from tests.integration.loopback import new_address, post_login

pytestmark = pytest.mark.integration

LOGIN, ADMIN_LOGIN = "/accounts/login/", "/admin/login/"
LIMITS = {"FLOWCAST_LIMIT_LOGIN_FAILURES": "3", "FLOWCAST_LIMIT_LOGIN_COOLOFF_SECONDS": "600"}
PASSWORD = "correct-horse-battery"


@pytest.fixture
def hosts(stack):
    return stack.webs(2, env=LIMITS)


@pytest.fixture
def people(django_user_model):
    def person(name: str, **extra):
        return django_user_model.objects.create_user(name, password=PASSWORD, **extra)

    return person("mallory-target", is_staff=True), person("bystander")


def test_failures_for_a_username_lock_it_out_from_every_address(hosts, people):
    target, bystander = people
    guesses = [
        post_login(hosts[n % 2], LOGIN, target.username, f"guess-{n}", source=new_address())
        for n in range(3)
    ]
    right_password = post_login(hosts[1], LOGIN, target.username, PASSWORD, source=new_address())
    admin = post_login(hosts[0], ADMIN_LOGIN, target.username, PASSWORD, source=new_address())
    other_user = post_login(hosts[0], LOGIN, bystander.username, PASSWORD, source=new_address())
    assert [g.status for g in guesses] == [200, 200, 429]  # the third failure locks out
    assert right_password.status == 429
    assert right_password.headers["retry-after"] == "600"
    assert b"Too many failed logins" in right_password.body
    assert admin.status == 429 and admin.headers["retry-after"] == "600"
    assert other_user.status == 302  # logged in: the lockout is the username's


def test_failures_from_an_address_lock_it_out_for_every_username(hosts, people):
    target, bystander = people
    guesser, elsewhere = new_address(), new_address()
    guesses = [
        post_login(hosts[n % 2], LOGIN, f"nobody-{n}", "guess", source=guesser) for n in range(3)
    ]
    from_guesser = post_login(hosts[1], LOGIN, bystander.username, PASSWORD, source=guesser)
    from_elsewhere = post_login(hosts[0], LOGIN, bystander.username, PASSWORD, source=elsewhere)
    admin_elsewhere = post_login(hosts[1], ADMIN_LOGIN, target.username, PASSWORD, source=elsewhere)
    assert [g.status for g in guesses] == [200, 200, 429]
    assert from_guesser.status == 429 and from_guesser.headers["retry-after"] == "600"
    assert from_elsewhere.status == 302
    assert admin_elsewhere.status == 302  # the admin logs in the same way
