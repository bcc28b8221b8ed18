"""The store: the server's clock stamps documents, blobs are kept without
copies in memory and as files with a data directory, a reset empties both."""

from __future__ import annotations

from pathlib import Path

from aws_ses.local import ServerOptions
from aws_ses.local.state import ServerState


def test_documents_are_stamped_with_the_servers_clock() -> None:
    state = ServerState(ServerOptions())
    state.clock = lambda: 1_000.0
    state.store.put("thing", "a", {"n": 1})
    state.clock = lambda: 2_000.0
    state.store.put("thing", "b", {"n": 2})
    assert state.store.count("thing", since=1_500.0) == 1
    assert state.store.count("thing") == 2


def test_blobs_in_memory_are_the_object_handed_in() -> None:
    state = ServerState(ServerOptions())
    data = b"x" * 1000
    state.store.put_blob("message", "m1", data)
    assert state.store.get_blob("message", "m1") is data
    assert state.store.get_blob("message", "missing") is None
    assert state.store.clear_blobs("message") == 1
    assert state.store.get_blob("message", "m1") is None


def test_blobs_with_a_data_dir_are_files_and_survive_a_restart(tmp_path: Path) -> None:
    first = ServerState(ServerOptions(data_dir=tmp_path))
    first.store.put("message", "m1", {"Id": "m1"})
    first.store.put_blob("message", "m1", b"raw bytes")
    first.store.close()
    again = ServerState(ServerOptions(data_dir=tmp_path))
    assert again.store.get_blob("message", "m1") == b"raw bytes"
    assert [key for _, key, _ in again.store.page("message")] == ["m1"]
    again.store.clear_all()
    assert again.store.get_blob("message", "m1") is None
    assert again.store.page("message") == []
    assert not (tmp_path / "blobs").exists()


def test_pages_follow_creation_order() -> None:
    state = ServerState(ServerOptions())
    for i in range(5):
        state.store.put("thing", f"k{i}", {"i": i})
    first = state.store.page("thing", limit=2)
    assert [key for _, key, _ in first] == ["k0", "k1"]
    rest = state.store.page("thing", after=first[-1][0])
    assert [key for _, key, _ in rest] == ["k2", "k3", "k4"]
