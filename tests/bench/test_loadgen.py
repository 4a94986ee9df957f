"""The load generator reads keep-alive answers whole and counts every request it sent."""

from __future__ import annotations

import multiprocessing

from bench import loadgen
from bench.intake_server import free_port
from tests.waiting import listening, until


def test_both_loops_get_every_answer_from_a_keep_alive_server() -> None:
    port = free_port()
    child = multiprocessing.get_context("spawn").Process(
        target=loadgen.serve_trivial, args=(port,), daemon=True
    )
    child.start()
    try:
        until(lambda: listening(port), f"the trivial server on port {port}")
        raw = loadgen.form_post("/x", loadgen.LOCALHOST, b"a=1", {"Idempotency-Key": "k"})
        requests = [loadgen.Request(f"k{i}", raw) for i in range(200)]
        closed = loadgen.closed_loop(port, requests, 4, 5.0)
        opened = loadgen.open_loop(port, requests[:50], 500.0)
    finally:
        child.terminate()
        child.join(5)
    for run in (closed, opened):
        assert {(r.status, r.body) for r in run.results} == {(201, b"[]")}
    assert len(closed.results) == 200 and len(opened.results) == 50
    assert closed.connections <= 4
