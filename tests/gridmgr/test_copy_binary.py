"""copy_binary writes columns with one binary COPY: every value back as sent, NULLs as NULL,
in any number of chunks, and a value a column cannot hold refused, not wrapped."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pyarrow as pa
import pytest
import shapely
from django.db import DataError, connection, transaction

from gridmgr.routing import copy_binary
from gridmgr.routing.copy_binary import CopyStream, copy_table

WHEN = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
TABLE = (
    "CREATE TEMP TABLE copied (n8 int8, n4 int4, n2 int2, x float8, ok bool, at timestamptz, "
    "t text, v varchar(20), g geometry(Point, 4326), u uuid)"
)


@pytest.fixture
def copied(db: None) -> None:
    with connection.cursor() as cur:
        cur.execute(TABLE)


def read_back() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT n8, n4, n2, x, ok, at, t, v, ST_AsText(g), ST_SRID(g), u FROM copied "
            "ORDER BY n4 NULLS LAST"
        )
        return cur.fetchall()


def columns() -> copy_binary.Columns:
    """Three rows of every type the encoder knows; the last of each NULL where it can be."""
    points = shapely.to_wkb(
        shapely.set_srid([shapely.Point(116.4, 39.9), shapely.Point(-71.06, 42.36), None], 4326),
        include_srid=True,
    )
    return {
        "n8": np.array([2**40, 0, -1]),  # -1: "none" in the routing arrays, written NULL
        "n4": np.array([1, 2, -1], dtype=np.int64),
        "n2": [7, -7, None],
        "x": np.array([0.5, -1e-9, np.nan]),
        "ok": [True, False, None],
        "at": pa.array([WHEN, WHEN + dt.timedelta(days=400), None], pa.timestamp("us", "UTC")),
        "t": pa.array(["网格", "", None]),
        "v": pa.array(["a", "bb", None]).dictionary_encode(),
        "g": pa.array(list(points), pa.binary()),
        "u": pa.array([uuid.UUID(int=1).bytes, uuid.UUID(int=2).bytes, None], pa.binary(16)),
    }


EXPECTED = [
    (2**40, 1, 7, 0.5, True, WHEN, "网格", "a", "POINT(116.4 39.9)", 4326, uuid.UUID(int=1)),
    (
        0,
        2,
        -7,
        -1e-9,
        False,
        WHEN + dt.timedelta(days=400),
        "",
        "bb",
        "POINT(-71.06 42.36)",
        4326,
        uuid.UUID(int=2),
    ),
    (None,) * 11,
]


def test_every_value_comes_back_as_sent_and_nulls_as_null(copied: None) -> None:
    copy_table("copied", columns())
    assert read_back() == EXPECTED


def test_rows_sent_in_many_chunks_arrive_whole(
    copied: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_binary, "_COPY_CHUNK_BYTES", 1)  # one row per chunk
    with CopyStream("copied", list(columns())) as stream:
        stream.write(columns())
    assert read_back() == EXPECTED


def test_a_value_too_large_for_its_column_is_refused(copied: None) -> None:
    with pytest.raises(ValueError, match="out of range for a 16-bit"):
        copy_table("copied", {"n2": np.array([40_000])})


def test_a_column_without_a_binary_encoder_goes_as_csv(db: None) -> None:
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE dated (n int8, d date)")
    copy_table("dated", {"n": np.array([1]), "d": pa.array([dt.date(2026, 1, 2)])})
    with connection.cursor() as cur:
        cur.execute("SELECT n, d FROM dated")
        assert cur.fetchall() == [(1, dt.date(2026, 1, 2))]


def test_an_error_inside_the_stream_writes_nothing(copied: None) -> None:
    with pytest.raises(DataError), transaction.atomic(), CopyStream("copied", ["v"]) as stream:
        stream.write({"v": pa.array(["x" * 21])})  # longer than varchar(20)
    assert read_back() == []
