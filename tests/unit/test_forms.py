"""Form-schema validation against the vectors shared with the PWA (form-validation-cases.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from backend.features.catalogue.forms import (
    Choice,
    DocumentSlot,
    FieldError,
    FormField,
    FormSchema,
    FormSection,
    Text,
    cccd_error,
    normalize_phone,
    schema_problems,
    validate_field,
    validate_form,
)

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "form-validation-cases.json").read_text("utf-8")
)
TODAY = dt.date.fromisoformat(VECTORS["today"])
COMMUNES = frozenset(VECTORS["communes"])
LABEL = Text("Trường", "Field")


def _params(error: FieldError | None) -> dict[str, Any] | None:
    return None if error is None else dict(error.params)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_field_vector(case: dict[str, Any]) -> None:
    field = msgspec.convert(case["field"], FormField)
    error = validate_field(field, case.get("value"), TODAY, COMMUNES)
    assert (error.code if error else None) == case["error"]
    if error is not None:
        assert error.field == field.key
    if "params" in case:
        assert _params(error) == case["params"]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_field_vector_in_a_form(case: dict[str, Any]) -> None:
    """The same vector through validate_form: a missing value is a missing key."""
    field = msgspec.convert(case["field"], FormField)
    schema = FormSchema(sections=(FormSection("s", LABEL, (field,)),))
    data = {field.key: case["value"]} if "value" in case else {}
    errors = validate_form(schema, data, today=TODAY, communes=COMMUNES)
    assert [e.code for e in errors] == ([case["error"]] if case["error"] else [])


@pytest.mark.parametrize("case", VECTORS["forms"], ids=lambda c: c["name"])
def test_form_vector(case: dict[str, Any]) -> None:
    schema = msgspec.convert(case["schema"], FormSchema)
    assert schema_problems(schema) == []
    errors = validate_form(schema, case["data"], today=TODAY, communes=COMMUNES)
    assert msgspec.to_builtins(errors) == case["errors"]


def test_vectors_cover_every_field_type_and_error_code() -> None:
    types = {c["field"]["type"] for c in VECTORS["cases"]}
    assert types == {"text", "number", "date", "choice", "phone", "cccd", "address"}
    codes = {c["error"] for c in VECTORS["cases"]} | {
        e["code"] for f in VECTORS["forms"] for e in f["errors"]
    }
    assert codes == {
        None,
        "required",
        "type",
        "too_short",
        "too_long",
        "integer",
        "too_small",
        "too_large",
        "date_format",
        "date_too_early",
        "date_too_late",
        "not_an_option",
        "phone",
        "cccd_format",
        "cccd_province",
        "cccd_century",
        "address_commune",
        "address_detail",
        "unknown_field",
    }
    names = [c["name"] for c in VECTORS["cases"]]
    assert len(names) == len(set(names)) >= 50


def test_without_known_communes_only_the_shape_is_checked() -> None:
    field = FormField("home", "address", LABEL, required=True)
    address = {"communeCode": "99999", "detail": "Số 1"}
    assert validate_field(field, address, TODAY, frozenset()) is None
    assert (
        validate_form(
            FormSchema((FormSection("s", LABEL, (field,)),)), {"home": address}, today=TODAY
        )
        == []
    )


def test_date_bounds_follow_the_given_today() -> None:
    field = FormField("born", "date", LABEL, max_date="today")
    assert validate_field(field, "2026-11-23", TODAY, COMMUNES) is not None
    assert validate_field(field, "2026-11-23", dt.date(2026, 11, 23), COMMUNES) is None


def test_field_errors_encode_without_empty_params() -> None:
    assert msgspec.json.encode(FieldError("f", "required")) == b'{"field":"f","code":"required"}'
    assert msgspec.to_builtins(FieldError("f", "too_long", {"max": 500})) == {
        "field": "f",
        "code": "too_long",
        "params": {"max": 500},
    }


def test_fields_use_camel_case_on_the_wire() -> None:
    field = FormField("n", "number", LABEL, min=1, max_length=3, integer=True)
    wire = msgspec.to_builtins(field)
    assert wire == {
        "key": "n",
        "type": "number",
        "label": {"vi": "Trường", "en": "Field"},
        "maxLength": 3,
        "min": 1.0,
        "integer": True,
    }
    assert msgspec.convert(wire, FormField) == field
    slot = DocumentSlot("id", LABEL, photo_allowed=False, max_files=2)
    assert msgspec.to_builtins(slot) == {
        "key": "id",
        "name": {"vi": "Trường", "en": "Field"},
        "photoAllowed": False,
        "maxFiles": 2,
    }


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(091) 234 5678", "0912345678"),
        ("0912\u00a0345\u00a0678", "0912345678"),
        ("8491234567", "8491234567"),  # ten digits starting 84 is not a +84 number
        ("091234567", "091234567"),
    ],
)
def test_normalize_phone(raw: str, normalized: str) -> None:
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    ("value", "today", "error"),
    [
        ("079090001234", dt.date(2026, 11, 22), None),
        ("079227001234", dt.date(2026, 11, 22), "cccd_century"),
        ("079227001234", dt.date(2027, 1, 1), None),
        ("079199001234", dt.date(1999, 1, 1), None),
        ("079100001234", dt.date(1999, 1, 1), None),
        ("079399001234", dt.date(2098, 1, 1), "cccd_century"),
        ("001190001234", dt.date(2026, 11, 22), None),
        ("12345", dt.date(2026, 11, 22), "cccd_format"),
    ],
)
def test_cccd_error(value: str, today: dt.date, error: str | None) -> None:
    assert cccd_error(value, today) == error


def _schema(*fields: FormField, documents: tuple[DocumentSlot, ...] = ()) -> FormSchema:
    return FormSchema(sections=(FormSection("s", LABEL, fields),), documents=documents)


def test_schema_problems_of_a_clean_schema() -> None:
    sex = (Choice("male", Text("Nam", "Male")), Choice("female", Text("Nữ", "Female")))
    schema = _schema(
        FormField("name", "text", LABEL, required=True, max_length=100),
        FormField("sex", "choice", LABEL, options=sex),
        FormField("born", "date", LABEL, min_date="1900-01-01", max_date="today"),
        documents=(DocumentSlot("a", LABEL), DocumentSlot("b", LABEL)),
    )
    assert schema_problems(schema) == []


def test_schema_problems_finds_duplicate_field_keys_across_sections() -> None:
    schema = FormSchema(
        sections=(
            FormSection("a", LABEL, (FormField("name", "text", LABEL),)),
            FormSection("b", LABEL, (FormField("name", "phone", LABEL),)),
        )
    )
    assert schema_problems(schema) == ["duplicate field key 'name'"]


def test_schema_problems_finds_a_choice_without_options() -> None:
    assert schema_problems(_schema(FormField("sex", "choice", LABEL))) == [
        "choice field 'sex' has no options"
    ]


@pytest.mark.parametrize("bound", ["yesterday", "2026-02-30", "22/11/2026", "2026-1-1"])
def test_schema_problems_finds_bad_date_bounds(bound: str) -> None:
    problems = schema_problems(_schema(FormField("d", "date", LABEL, min_date=bound)))
    assert problems == [f"field 'd' has a bad date bound {bound!r}"]


def test_schema_problems_finds_duplicate_document_slots() -> None:
    schema = _schema(documents=(DocumentSlot("id", LABEL), DocumentSlot("id", LABEL)))
    assert schema_problems(schema) == ["duplicate document slot key"]
