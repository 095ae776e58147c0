"""The XCom helpers: an ingest's shards, XCom values as a list."""

from __future__ import annotations

import pytest

from podstage_provider import xcom


def test_shard_list_and_values():
    assert xcom.shard_list({"shards": ["file:///a", "file:///b"], "records_out": 2}) == ["file:///a", "file:///b"]
    assert xcom.shard_list(None) == []
    with pytest.raises(ValueError, match="no 'shards'"):
        xcom.shard_list({"outputs": []})
    with pytest.raises(ValueError, match="not a list of URIs"):
        xcom.shard_list({"shards": "file:///a"})
    assert xcom.values(("a", "b")) == ["a", "b"]
    assert xcom.values(None) == []
    assert xcom.values({"k": 1}) == [{"k": 1}]
