"""Records stand in for the pydantic models they were read from: same fields, same dumps, same model back."""

from __future__ import annotations

import pickle

import pytest

from lineage.records import Record, record_of
from lineage.store import Store


def test_every_catalog_entity_as_a_record_dumps_and_converts_back_as_itself(catalog):
    for entity in catalog.entities.values():
        rec = record_of(entity)
        assert rec.model() == entity and rec == entity
        for options in ({}, {"mode": "json"}, {"mode": "json", "exclude_none": True}, {"exclude_none": True}):
            assert rec.model_dump(**options) == entity.model_dump(**options), (entity.id, options)
        assert pickle.loads(pickle.dumps(rec)) == rec
        assert dict(rec) == dict(entity)


def test_stored_claim_records_dump_as_their_models(built_store_path):
    with Store(built_store_path, read_only=True) as st:
        records = st.claim_records(subject="deepseek-v3")
    assert records
    for rec in records:
        model = rec.model()
        assert type(model).__name__ == "StoredClaim"
        assert rec.model_dump() == model.model_dump()
        assert rec.model_dump(mode="json") == model.model_dump(mode="json")  # datetimes as pydantic writes them
        assert rec.id == model.id  # what the record lacks, the model answers


def test_a_record_is_read_only_and_copies_with_updates(catalog):
    rec = record_of(catalog.get("mla"))
    with pytest.raises(AttributeError):
        rec.name = "other"
    copy = rec.model_copy(update={"name": "other"})
    assert (copy.name, rec.name, type(copy)) == ("other", "Multi-head Latent Attention", type(rec))
    assert isinstance(copy, Record) and copy.model().name == "other"


@pytest.mark.parametrize("offset", [0, 2, -5])
@pytest.mark.parametrize("micro", [0, 400000, 123456])
def test_a_datetime_dumps_as_pydantic_writes_it(offset, micro):
    """Evidence's ``retrieved_at`` is written without pydantic ("Z" for UTC, ISO 8601 otherwise), as pydantic would."""
    from datetime import datetime, timedelta, timezone

    from lineage.domain import Evidence, Method, SourceKind

    when = datetime(2026, 6, 30, 1, 2, 3, micro, tzinfo=timezone(timedelta(hours=offset)))
    evidence = Evidence(source="report:x", revision="sha256:0", source_kind=SourceKind.PRIMARY, locator="p. 1",
                        snippet="s", method=Method.TEXT, retrieved_at=when)
    rec = record_of(evidence)
    assert rec.model_dump(mode="json") == evidence.model_dump(mode="json")
    assert rec.model_dump() == evidence.model_dump() and rec.model_dump()["retrieved_at"] is when
