"""Who may open a producer's WebSocket, and when their session is closed."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client as DjangoClient
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from pipelines import services
from pipelines.models import Component, Pipeline, PipelineGrant
from producer import tokens
from producer.tokens import mint_token
from tests.integration.clients import bearer, ws_url
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration


async def handshake_status(url: str, headers: dict | None = None) -> int:
    try:
        async with connect(url, additional_headers=headers or {}, open_timeout=10):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


@pytest.fixture
def live(stack, owner, shared_web):
    return build_stream(owner), shared_web


def test_secrets_and_tokens(live, settings):
    s, host = live
    producer = s["producer"]
    url = ws_url(host, producer)
    token = mint_token(producer)["token"]

    async def scenario():
        return {
            "bearer": await handshake_status(url, bearer(producer)),
            "x-header": await handshake_status(
                url, {"X-Ingestion-Secret": producer.ingestion_secret}
            ),
            "token": await handshake_status(ws_url(host, producer, f"?token={token}")),
            "missing": await handshake_status(url),
            "wrong": await handshake_status(url, {"Authorization": "Bearer fcs_wrong"}),
            "bad token": await handshake_status(ws_url(host, producer, "?token=forged")),
            "unknown id": await handshake_status(
                f"ws://{host}/ws/producers/ing_nope/", bearer(producer)
            ),
        }

    assert asyncio.run(scenario()) == {
        "bearer": 101,
        "x-header": 101,
        "token": 101,
        "missing": 403,
        "wrong": 403,
        "bad token": 403,
        "unknown id": 403,
    }


def test_expired_token_is_refused(live, settings):
    s, host = live
    producer = s["producer"]
    payload = {"i": producer.ingestion_id, "f": tokens._fingerprint(producer.ingestion_secret)}
    expired = signed_at(time.time() - settings.FLOWCAST["TOKEN_MAX_AGE"] - 60, payload)
    fresh = mint_token(producer)["token"]
    assert asyncio.run(handshake_status(ws_url(host, producer, f"?token={expired}"))) == 403
    assert asyncio.run(handshake_status(ws_url(host, producer, f"?token={fresh}"))) == 101


def signed_at(when: float, payload: dict) -> str:
    """A token as mint_token would have made it at `when`: aged without waiting."""

    class Signer(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(when))

    return Signer(salt=tokens.SALT).sign_object(payload)


def test_cookie_sessions_need_a_matching_origin(live, owner):
    s, host = live
    browser = DjangoClient()
    browser.force_login(owner)
    cookie = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}
    url = ws_url(host, s["producer"])

    async def scenario():
        same = await handshake_status(url, {**cookie, "Origin": f"http://{host}"})
        cross = await handshake_status(url, {**cookie, "Origin": "http://evil.example"})
        no_origin = await handshake_status(url, cookie)
        return same, cross, no_origin

    assert asyncio.run(scenario()) == (101, 403, 403)


def test_regenerating_the_secret_closes_its_sessions_and_refuses_it(live):
    s, host = live
    producer = s["producer"]
    old_headers = bearer(producer)

    async def scenario():
        ws = await connect(ws_url(host, producer), additional_headers=old_headers)
        await asyncio.to_thread(
            lambda: services.regenerate_secret(Component.objects.get(pk=producer.pk))
        )
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        code = ws.close_code
        again = await handshake_status(ws_url(host, producer), old_headers)
        fresh = await asyncio.to_thread(Component.objects.get, pk=producer.pk)
        new = await handshake_status(ws_url(host, producer), bearer(fresh))
        return code, again, new

    assert asyncio.run(scenario()) == (4501, 403, 101)


def test_deactivating_the_pipeline_closes_sessions_with_4502(live):
    s, host = live

    async def scenario():
        ws = await connect(ws_url(host, s["producer"]), additional_headers=bearer(s["producer"]))
        await asyncio.to_thread(services.set_active, s["pipeline"], False)
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        return ws.close_code, await handshake_status(
            ws_url(host, s["producer"]), bearer(s["producer"])
        )

    assert asyncio.run(scenario()) == (4502, 403)


def test_a_component_deleted_in_the_admin_streams_until_update_pipeline(live, django_user_model):
    """The admin deletes through the service: a draft change (revision bumped, sessions
    untouched), applied by Update Pipeline, which closes them with 4502."""
    s, host = live
    producer = s["producer"]
    staff = django_user_model.objects.create_superuser("root", password="x")
    admin = DjangoClient()
    admin.force_login(staff)
    rev = s["pipeline"].rev

    async def scenario():
        ws = await connect(ws_url(host, producer), additional_headers=bearer(producer))
        page = await asyncio.to_thread(
            admin.post, f"/admin/pipelines/component/{producer.pk}/delete/", {"post": "yes"}
        )
        assert page.status_code == 302
        await asyncio.wait_for(await ws.ping(), 5)  # still open after the draft delete
        still = await handshake_status(ws_url(host, producer), bearer(producer))
        await asyncio.to_thread(
            lambda: services.deploy(Pipeline.objects.get(pk=producer.pipeline_id))
        )
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        after = await handshake_status(ws_url(host, producer), bearer(producer))
        return still, ws.close_code, after

    assert asyncio.run(scenario()) == (101, 4502, 403)
    assert Pipeline.objects.get(pk=s["pipeline"].pk).rev > rev


def test_a_session_needs_the_right_to_view_the_pipeline(live, django_user_model):
    s, host = live
    bob = django_user_model.objects.create_user("bob-viewer", password="x")
    browser = DjangoClient()
    browser.force_login(bob)
    headers = {
        "Cookie": f"sessionid={browser.cookies['sessionid'].value}",
        "Origin": f"http://{host}",
    }
    url = ws_url(host, s["producer"])
    before = asyncio.run(handshake_status(url, headers))
    services.grant_access(s["pipeline"], user="bob-viewer", role="viewer")
    assert (before, asyncio.run(handshake_status(url, headers))) == (403, 101)


def test_every_web_process_answers_secrets_and_tokens_from_memory_and_forgets_a_regenerated_secret(
    stack, owner
):
    s = build_stream(owner)
    producer = s["producer"]
    hosts = stack.webs(2)
    token = mint_token(producer)["token"]

    async def connect_all(host: str) -> list[int]:
        statuses = [handshake_status(ws_url(host, producer), bearer(producer)) for _ in range(30)]
        statuses += [handshake_status(ws_url(host, producer, f"?token={token}")) for _ in range(10)]
        return await asyncio.gather(*statuses)

    handshakes, lookups = (exported(hosts[0], e) for e in ("handshakes_accepted", LOOKUPS))
    for host in hosts:
        assert asyncio.run(connect_all(host)) == [101] * 40
        handshakes += 40
        # Reported once a second with the process's other counters, summed over processes.
        wait_for(lambda h=host, n=handshakes: exported(h, ACCEPTED) >= n, 10, "the handshakes")
    assert exported(hosts[0], LOOKUPS) - lookups <= 4  # a few per process, not one per client

    old = bearer(producer)
    services.regenerate_secret(Component.objects.get(pk=producer.pk))
    fresh = bearer(Component.objects.get(pk=producer.pk))
    for host in hosts:
        assert asyncio.run(handshake_status(ws_url(host, producer), old)) == 403
        assert asyncio.run(handshake_status(ws_url(host, producer, f"?token={token}"))) == 403
        assert asyncio.run(handshake_status(ws_url(host, producer), fresh)) == 101


ACCEPTED, LOOKUPS = "handshakes_accepted", "credential_lookups"


def exported(host: str, event: str) -> float:
    """The web processes' summed stream counter `event` as /metrics shows it."""
    text = urllib.request.urlopen(f"http://{host}/metrics", timeout=10).read().decode()
    name = f'flowcast_stream_events_total{{event="{event}"}}'
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_removing_access_closes_that_users_dashboards_and_no_one_elses(
    live, owner, django_user_model
):
    """A user's session (a cookie, or a token a page minted for them) was allowed at its
    handshake; a removed grant, or its user taken out of a granted group, no longer staff or
    deactivated, ends it with 4503. Other users' sessions and a secret's client go on."""
    s, host = live
    pipeline, producer = s["pipeline"], s["producer"]
    bob = django_user_model.objects.create_user("bob-revoked", password="x")
    carol = django_user_model.objects.create_user("carol-member", password="x")
    team = Group.objects.create(name="watchers")
    carol.groups.add(team)
    dave = django_user_model.objects.create_user("dave-staff", password="x", is_staff=True)
    services.grant_access(pipeline, user="bob-revoked", role="viewer")
    services.grant_access(pipeline, group="watchers", role="viewer")
    url = ws_url(host, producer)

    headers = [_dashboard(host, u) for u in (bob, carol, dave, owner)] + [bearer(producer)]
    grant = PipelineGrant.objects.get(pipeline=pipeline, user=bob)
    # What the site's own pages do: a token minted from the session, then ?token=.
    page = DjangoClient()
    page.force_login(bob)
    token = page.post(f"/api/components/{producer.pk}/token/").json()["token"]

    async def scenario():
        bobs, carols, daves, owners, secrets = [
            await connect(url, additional_headers=h) for h in headers
        ]
        bobs_page = await connect(ws_url(host, producer, f"?token={token}"))
        # First, so that no other change's recheck could be what closes it.
        dave_open = await _still_open(daves)
        dave.is_staff = False  # staff saw every pipeline; this one is not shared with him
        await asyncio.to_thread(dave.save)
        dave_code = await _close_code(daves)
        await asyncio.to_thread(services.revoke_grant, grant)
        bob_code = await _close_code(bobs)
        bob_page_code = await _close_code(bobs_page)
        # The page's token has minutes to live: it no longer opens the stream either.
        bob_page_again = await handshake_status(ws_url(host, producer, f"?token={token}"))
        carol_open = await _still_open(carols)
        await asyncio.to_thread(carol.groups.remove, team)
        carol_code = await _close_code(carols)
        others = [await _still_open(owners), await _still_open(secrets)]
        owner.is_active = False  # deactivated in the admin
        await asyncio.to_thread(owner.save)
        owner_code = await _close_code(owners)
        secret_open = await _still_open(secrets)
        await secrets.close()
        return (
            *(bob_code, bob_page_code, bob_page_again, carol_open, carol_code),
            *(dave_open, dave_code, others, owner_code, secret_open),
        )

    assert asyncio.run(scenario()) == (
        *(4503, 4503, 403, True, 4503),
        *(True, 4503, [True, True], 4503, True),
    )


def test_deleting_a_user_closes_their_dashboards(live, django_user_model):
    """A deleted user's sessions end with 4503: one who saw the pipeline through a group
    (the deletion takes the membership with it) and a staff user (who saw every pipeline)."""
    s, host = live
    pipeline, producer = s["pipeline"], s["producer"]
    erin = django_user_model.objects.create_user("erin-member", password="x")
    frank = django_user_model.objects.create_user("frank-staff", password="x", is_staff=True)
    team = Group.objects.create(name="auditors")
    erin.groups.add(team)
    services.grant_access(pipeline, group="auditors", role="viewer")
    url = ws_url(host, producer)

    headers = [_dashboard(host, erin), _dashboard(host, frank)]

    async def scenario():
        erins, franks = [await connect(url, additional_headers=h) for h in headers]
        await asyncio.to_thread(erin.delete)
        erin_code = await _close_code(erins)
        frank_open = await _still_open(franks)
        await asyncio.to_thread(frank.delete)
        return erin_code, frank_open, await _close_code(franks)

    assert asyncio.run(scenario()) == (4503, True, 4503)


def test_giving_a_pipeline_to_another_owner_closes_the_old_owners_dashboards(
    live, owner, django_user_model
):
    """The admin may change a pipeline's owner: the old one (not staff, no grant) can no
    longer see it, and their session ends with 4503; the new owner's goes on."""
    s, host = live
    pipeline, producer = s["pipeline"], s["producer"]
    grace = django_user_model.objects.create_user("grace-new-owner", password="x")
    url = ws_url(host, producer)
    headers = [_dashboard(host, owner), _dashboard(host, grace)]

    async def scenario():
        before = await handshake_status(url, headers[1])  # not hers yet
        old = await connect(url, additional_headers=headers[0])
        await asyncio.to_thread(pipeline.refresh_from_db)  # as the admin's change form
        pipeline.owner = grace  # reads it, then saves it
        await asyncio.to_thread(pipeline.save)
        graces = await connect(url, additional_headers=headers[1])
        old_code = await _close_code(old)
        return before, old_code, await _still_open(graces)

    assert asyncio.run(scenario()) == (403, 4503, True)


def test_a_new_password_ends_that_users_streams_and_a_page_signed_in_again_resumes(
    live, django_user_model
):
    """Django signs a user's other sessions out when their password changes; their streams
    (a cookie session, a page's token) end with 4504, which invites a page to mint a new
    token: one signed in with the new password can, and streams again; the old page token
    no longer opens one. A token minted with an API token (which a new password does not
    revoke) goes on and still opens streams, as do other users' sessions."""
    s, host = live
    pipeline, producer = s["pipeline"], s["producer"]
    kim = django_user_model.objects.create_user("kim-viewer", password="old-password-1")
    lee = django_user_model.objects.create_user("lee-viewer", password="x")
    for name in ("kim-viewer", "lee-viewer"):
        services.grant_access(pipeline, user=name, role="viewer")
    url = ws_url(host, producer)
    page = DjangoClient()
    page.force_login(kim)
    token = page.post(f"/api/components/{producer.pk}/token/").json()["token"]
    service = DjangoClient(headers={"Authorization": f"Token {Token.objects.create(user=kim)}"})
    by_api = service.post(f"/api/components/{producer.pk}/token/").json()["token"]
    headers = [_dashboard(host, kim), _dashboard(host, lee)]

    def new_password():
        kim.set_password("new-password-2")
        kim.save()

    def token_after_signing_in_again() -> str:
        again = DjangoClient()
        again.force_login(kim)  # a new session, with the new password's hash
        return again.post(f"/api/components/{producer.pk}/token/").json()["token"]

    async def scenario():
        cookie, others = [await connect(url, additional_headers=h) for h in headers]
        paged = await connect(ws_url(host, producer, f"?token={token}"))
        api_stream = await connect(ws_url(host, producer, f"?token={by_api}"))
        await asyncio.to_thread(new_password)
        codes = [await _close_code(cookie), await _close_code(paged)]
        old_tokens = [
            await handshake_status(ws_url(host, producer, f"?token={t}")) for t in (token, by_api)
        ]
        fresh = await asyncio.to_thread(token_after_signing_in_again)
        again = await handshake_status(ws_url(host, producer, f"?token={fresh}"))
        open_ = [await _still_open(others), await _still_open(api_stream)]
        return codes, old_tokens, open_, again

    assert asyncio.run(scenario()) == ([4504, 4504], [403, 101], [True, True], 101)


def _dashboard(host: str, user) -> dict:
    """A logged-in page's handshake headers: its session cookie and the site's Origin."""
    browser = DjangoClient()
    browser.force_login(user)
    return {"Cookie": f"sessionid={browser.cookies['sessionid'].value}", "Origin": f"http://{host}"}


async def _close_code(ws) -> int:
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    return ws.close_code


async def _still_open(ws) -> bool:
    await asyncio.wait_for(await ws.ping(), 5)
    return ws.close_code is None
