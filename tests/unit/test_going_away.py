"""A stopping web process tells every socket 1001, including one whose handshake ends late."""

from __future__ import annotations

from autobahn.websocket.protocol import WebSocketProtocol

from producer.web import GOING_AWAY, tell_going_away


class Socket:
    """The part of a WebSocket protocol the goodbye looks at (states are autobahn's)."""

    STATE_CLOSED = WebSocketProtocol.STATE_CLOSED
    STATE_CONNECTING = WebSocketProtocol.STATE_CONNECTING
    STATE_OPEN = WebSocketProtocol.STATE_OPEN

    def __init__(self, state: int):
        self.state = state
        self.closes: list[int] = []

    def sendCloseFrame(self, code: int, reasonUtf8: bytes) -> None:  # autobahn's name
        self.closes.append(code)
        self.state = WebSocketProtocol.STATE_CLOSING


def test_a_handshake_that_ends_after_the_goodbye_began_is_told_too():
    open_, opening = Socket(Socket.STATE_OPEN), Socket(Socket.STATE_CONNECTING)
    told: set = set()
    assert not tell_going_away([open_, opening], told)
    assert (open_.closes, opening.closes) == ([GOING_AWAY], [])
    opening.state = Socket.STATE_OPEN  # its application accepted meanwhile
    assert not tell_going_away([open_, opening], told)
    assert (open_.closes, opening.closes) == ([GOING_AWAY], [GOING_AWAY])  # once each
    open_.state = opening.state = Socket.STATE_CLOSED
    assert tell_going_away([open_, opening], told)
