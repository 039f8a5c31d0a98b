"""The WebSocket scope's user, looked up only when a handshake needs it.

Channels' AuthMiddleware reads the session and the user of every handshake before the
consumer runs: a database query in a thread for each of thousands of clients that present a
secret or a token and never need a user. Here the session middleware still parses the
cookie, and the user is read (in the consumer's database thread) only for a handshake with
neither secret nor token: a dashboard opened by a logged-in user.
"""

from __future__ import annotations

from channels.auth import get_user
from channels.sessions import CookieMiddleware, SessionMiddleware


def session_user(scope):
    """The session's user or AnonymousUser; call from a thread that may query the database.

    channels.auth.get_user is the async face (database_sync_to_async) of this same lookup;
    `.func` is the synchronous function it runs."""
    return get_user.func(scope)


def SessionStack(inner):
    """Cookies and the session, but no eager user lookup (producer.auth asks when needed).
    A handshake with a secret or a token needs none of it (producer.routing)."""
    return CookieMiddleware(SessionMiddleware(inner))
