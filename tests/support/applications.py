"""Valid applications for any procedure of the catalogue: a value for every required field of
its form schema, and an uploaded photo for every required document slot."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from backend.features.catalogue.forms import FormField, FormSchema


def valid_value(field: FormField, commune: str) -> Any:
    """A value that passes the field's rules."""
    match field.type:
        case "text":
            text = "Nguyễn Văn An, khu phố 3"
            return text[: field.max_length] if field.max_length else text
        case "number":
            return max(field.min, 1) if field.min is not None else 1
        case "date":
            return (dt.date.today() - dt.timedelta(days=30)).isoformat()
        case "choice":
            return field.options[0].value
        case "phone":
            return "0912345678"
        case "cccd":
            return "075190001234"
        case "address":
            return {"communeCode": commune, "detail": "Số 12, ấp Bình Thạnh"}
    raise AssertionError(field.type)


def valid_fields(form: dict[str, Any], commune: str) -> dict[str, Any]:
    schema = msgspec.convert(form, FormSchema)
    return {
        field.key: valid_value(field, commune)
        for section in schema.sections
        for field in section.fields
        if field.required
    }


def required_slots(form: dict[str, Any]) -> list[str]:
    schema = msgspec.convert(form, FormSchema)
    return [slot.key for slot in schema.documents if slot.required]


def submit_args(
    procedure: str, fields: dict[str, Any], documents: dict[str, list[str]], **extra: Any
) -> dict[str, Any]:
    return {
        "dossierId": str(uuid.uuid4()),
        "procedureCode": procedure,
        "fields": fields,
        "documents": documents,
        **extra,
    }
