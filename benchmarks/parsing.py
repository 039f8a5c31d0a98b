"""Parsing clients: decode every frame with orjson and walk to each record's value.

What a real consumer of the stream does at the least, so that the cost of a frame format to
its clients shows in the rates (an envelope cost a parsing client 2.8 x the bare value).
Every record's value is read (its `seq`), whatever the format; the ids are taken where the
format puts them, and counted exactly (benchmarks.tracking):

- `columns` (one object per partition run): `partition` + `offsets`;
- `batch` (an array of envelopes) and `envelope`: each record's `partition` and `offset`;
- the values bridge (an array of bare values) and `raw`: no id, so the value's `seq`.

Control messages (objects with `"type"`) are left to the caller.
"""

from __future__ import annotations

from benchmarks.tracking import Tracker


def is_control(message: object) -> bool:
    return type(message) is dict and "type" in message


def walk(message: dict | list, tracker: Tracker) -> list:
    """Count a decoded data frame's records in `tracker`; returns their values."""
    by_seq = False
    if type(message) is dict:
        if "offsets" in message:  # columns
            values = message["values"]
            tracker.add_offsets(message["partition"], message["offsets"])
        elif "offset" in message:  # one envelope
            values = [message["value"]]
            tracker.add(message["partition"], message["offset"], message["offset"])
        else:  # raw: the value itself
            values, by_seq = [message], True
    elif message and "offset" in message[0]:  # batch: envelopes
        values = [r["value"] for r in message]
        tracker.add_records([r["partition"] for r in message], [r["offset"] for r in message])
    else:  # the values bridge
        values, by_seq = message, True
    seqs = [v["seq"] for v in values]  # every record's value is read, whatever the format
    if by_seq:
        tracker.add_seqs(seqs)
    return values
