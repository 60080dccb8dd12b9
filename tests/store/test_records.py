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
        assert rec.model_dump(mode="json") == model.model_dump(mode="json")  # datetimes: pydantic's own format
        assert rec.id == model.id  # what the record lacks, the model answers


def test_a_record_is_read_only_and_copies_with_updates(catalog):
    rec = record_of(catalog.get("mla"))
    with pytest.raises(AttributeError):
        rec.name = "other"
    copy = rec.model_copy(update={"name": "other"})
    assert (copy.name, rec.name, type(copy)) == ("other", "Multi-head Latent Attention", type(rec))
    assert isinstance(copy, Record) and copy.model().name == "other"
