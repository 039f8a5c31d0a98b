"""Pages that do not exist or may not be opened answer in the site's own style."""

from __future__ import annotations

import pytest
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_page_gets_the_sites_404(client):
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    body = page.content.decode()
    assert "Nothing here" in body and "pipelines/error.css" in body and "<script" not in body


def test_favicon_ico_leads_to_the_sites_icon(client):
    """The admin and the API docs name no icon: the browser's guess must not be a 404."""
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302 and answer["Location"].endswith("favicon.svg")
    assert client.get(answer["Location"]).status_code == 200


def test_an_unknown_api_url_stays_json(client):
    answer = client.get("/api/no/such/thing/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("application/json")


def test_the_500_page_renders_without_a_request_context(rf):
    answer = server_error(rf.get("/"))
    assert answer.status_code == 500 and b"Something went wrong" in answer.content


def test_the_403_page(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    answer = permission_denied(rf.get("/"), PermissionDenied())
    assert answer.status_code == 403 and b"Not allowed" in answer.content
