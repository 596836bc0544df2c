"""The demo catalogue seed: well-formed, faithful to the shared facts, forms without mistakes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from backend.features.catalogue.forms import (
    DocumentSlot,
    FormField,
    FormSchema,
    FormSection,
    schema_problems,
)

SEED = Path(__file__).parents[2] / "backend/features/catalogue/seed/catalogue.json"
SHARED = Path(__file__).parents[3] / "shared/data/procedures.json"
CATALOGUE: dict[str, Any] = json.loads(SEED.read_text("utf-8"))
PROCEDURES: list[dict[str, Any]] = CATALOGUE["procedures"]
APPLICATION_FORM = "applicationForm"  # produced by the e-form itself, so it has no upload slot
FACT_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "sector_vi",
    "agency_level",
    "agency_vi",
    "online_level",
    "processing",
    "documents_vi",
    "confidence",
    "workflow_hint",
    "needs_field_verification",
)


def wire_names(struct: type[msgspec.Struct]) -> set[str]:
    return {f.encode_name for f in msgspec.structs.fields(struct)}


def by_code(code: str) -> dict[str, Any]:
    return next(p for p in PROCEDURES if p["code"] == code)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_form_decodes_without_problems(procedure: dict[str, Any]) -> None:
    schema = msgspec.convert(procedure["form"], FormSchema)
    assert schema_problems(schema) == []
    assert schema.fields(), "a form needs fields"
    # msgspec ignores unknown keys, so a misspelt rule ("maxlength") would vanish silently
    form = procedure["form"]
    assert set(form) <= wire_names(FormSchema)
    for section in form["sections"]:
        assert set(section) <= wire_names(FormSection)
        for field in section["fields"]:
            assert set(field) <= wire_names(FormField), field["key"]
    for slot in form["documents"]:
        assert set(slot) <= wire_names(DocumentSlot), slot["key"]


def test_matches_the_shared_facts() -> None:
    if not SHARED.exists():
        pytest.skip(f"shared reference facts not present at {SHARED}")
    shared = {p["code"]: p for p in json.loads(SHARED.read_text("utf-8"))["procedures"]}
    assert [p["code"] for p in PROCEDURES] == list(shared)
    for code, fact in shared.items():
        seeded = by_code(code)
        for key in FACT_KEYS:
            value = seeded.get(key)
            if key == "processing":  # the seed adds a Vietnamese note beside the English one
                value = {k: v for k, v in value.items() if k != "note_vi"}
            assert value == fact.get(key), (code, key)
        without_en = [{k: v for k, v in fee.items() if k != "name_en"} for fee in seeded["fees"]]
        assert without_en == fact["fees"], code


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_documents_align_with_documents_vi(procedure: dict[str, Any]) -> None:
    documents = procedure["documents"]
    assert [d["name_vi"] for d in documents] == procedure["documents_vi"]
    keys = [d["key"] for d in documents]
    assert len(keys) == len(set(keys))
    for document in documents:
        assert document["name_en"]
        assert document["originals"] + document["copies"] >= 1
        # "(nếu có)" / "(nếu thuộc trường hợp phải có)" mark the optional ones
        assert document["required"] == ("nếu" not in document["name_vi"]), document["key"]


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_document_slots_match_the_documents(procedure: dict[str, Any]) -> None:
    schema = msgspec.convert(procedure["form"], FormSchema)
    documents = {d["key"]: d for d in procedure["documents"]}
    expected = [key for key in documents if key != APPLICATION_FORM]
    assert [slot.key for slot in schema.documents] == expected
    for slot in schema.documents:
        document = documents[slot.key]
        assert slot.name.vi == document["name_vi"]
        assert slot.name.en == document["name_en"]
        assert slot.required == document["required"]
        assert slot.photo_allowed == document["photo_allowed"]
        assert (slot.originals, slot.copies) == (document["originals"], document["copies"])


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_app_additions(procedure: dict[str, Any]) -> None:
    sectors = {s["code"]: s for s in CATALOGUE["sectors"]}
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", procedure["sector_code"])
    sector = sectors[procedure["sector_code"]]
    assert (sector["name_vi"], sector["name_en"]) == (
        procedure["sector_vi"],
        procedure["sector_en"],
    )
    assert procedure["effective_from"] == "2025-07-01"
    assert all(fee["name_en"] for fee in procedure["fees"])
    assert all(isinstance(fee["amount_vnd"], int) for fee in procedure["fees"])
    kinds = {a["kind"] for a in CATALOGUE["agencies"]}
    if procedure["agency_level"] == "province":
        assert procedure["agency_kind"] in kinds, "province procedures name a seeded agency"
    else:
        assert procedure["agency_kind"].startswith("commune_")


def test_agencies() -> None:
    assert CATALOGUE["province_code"] == "75"
    agencies = CATALOGUE["agencies"]
    codes = [a["code"] for a in agencies]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"000\.00\.\d{2}\.H\d{2}", code) for code in codes)
    assert all(a["level"] == "province" and a["name_vi"] and a["name_en"] for a in agencies)
    kinds = [a["kind"] for a in agencies]
    assert len(kinds) == len(set(kinds)), "one province agency per kind"
    for kind in (
        "provincial_police",
        "traffic_police",
        "land_registration_office",
        "tax_office",
        "public_service_centre",
    ):
        assert kind in kinds
    for agency in agencies:
        if "parent_code" in agency:
            assert agency["parent_code"] in codes
    sector_codes = [s["code"] for s in CATALOGUE["sectors"]]
    assert sorted(sector_codes) == sorted({p["sector_code"] for p in PROCEDURES})
