"""Application-form schemas and their validation rules (pure; no I/O).

Each procedure variant carries a declarative description of its application form (tờ khai):
sections of typed fields plus document slots. The PWA renders and validates from the same
description offline (`pwa/src/lib/form-rules.ts`); both sides are held to the shared vectors in
`tests/fixtures/form-validation-cases.json`, so a rule cannot drift on one side only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Set
from typing import Literal

import msgspec

FieldType = Literal["text", "number", "date", "choice", "phone", "cccd", "address"]


class Text(msgspec.Struct, frozen=True):
    """A label in Vietnamese (authoritative) and English."""

    vi: str
    en: str


class Choice(msgspec.Struct, frozen=True):
    value: str
    label: Text


class FormField(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    key: str
    type: FieldType
    label: Text
    required: bool = False
    help: Text | None = None
    # text
    min_length: int | None = None
    max_length: int | None = None
    multiline: bool = False
    # number
    min: float | None = None
    max: float | None = None
    integer: bool = False
    # date: ISO dates, or "today" (in Asia/Ho_Chi_Minh)
    min_date: str | None = None
    max_date: str | None = None
    # choice
    options: tuple[Choice, ...] = ()


class FormSection(msgspec.Struct, frozen=True):
    key: str
    title: Text
    fields: tuple[FormField, ...]


class DocumentSlot(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """A required (or optional) document of the variant, as the citizen hands it in."""

    key: str
    name: Text
    required: bool = True
    photo_allowed: bool = True  # a photo or scan is accepted instead of the paper original
    originals: int = 0
    copies: int = 1
    max_files: int = 5


class FormSchema(msgspec.Struct, frozen=True):
    sections: tuple[FormSection, ...]
    documents: tuple[DocumentSlot, ...] = ()
    version: int = 1

    def fields(self) -> dict[str, FormField]:
        return {f.key: f for s in self.sections for f in s.fields}


class FieldError(msgspec.Struct, frozen=True, omit_defaults=True):
    """One broken rule. `code` is stable; the message comes from the language tables."""

    field: str
    code: str
    params: dict[str, str | int | float] = {}


TEXT_MAX_LENGTH = 500
# ASCII digits only, matched with fullmatch: a trailing newline or full-width digits would
# pass `\d...$` here but fail in the PWA's JavaScript port.
PHONE_PATTERN = re.compile(r"(?:0|\+?84)(?:3|5|7|8|9)\d{8}", re.ASCII)
CCCD_PATTERN = re.compile(r"\d{12}", re.ASCII)
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
COMMUNE_PATTERN = re.compile(r"\d{5}", re.ASCII)
CCCD_CENTURY = {"0": 1900, "1": 1900, "2": 2000, "3": 2000}


def normalize_phone(value: str) -> str:
    """The national form of a Vietnamese mobile number: 0 followed by nine digits."""
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        return "0" + digits[3:]
    if digits.startswith("84") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(normalize_phone(value)))


def cccd_error(value: str, today: dt.date) -> str | None:
    """Why a citizen identity card number (CCCD) is invalid, or None.

    12 digits: birth province (001-096), century and sex, two-digit birth year, six more digits.
    There is no checksum, so only the structure and the birth year can be checked.
    """
    if not CCCD_PATTERN.fullmatch(value):
        return "cccd_format"
    province = int(value[:3])
    if not 1 <= province <= 96:
        return "cccd_province"
    century = CCCD_CENTURY.get(value[3])
    if century is None or century + int(value[4:6]) > today.year:
        return "cccd_century"
    return None


def _resolve_date(bound: str, today: dt.date) -> dt.date:
    return today if bound == "today" else dt.date.fromisoformat(bound)


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def validate_field(
    field: FormField, value: object, today: dt.date, communes: Set[str]
) -> FieldError | None:
    """Check one value against its field's rules; blank values only fail `required`."""
    key = field.key
    if _is_blank(value) or (field.type == "address" and value == {}):
        return FieldError(key, "required") if field.required else None
    match field.type:
        case "text":
            if not isinstance(value, str):
                return FieldError(key, "type")
            length = len(value.strip())
            max_length = field.max_length or TEXT_MAX_LENGTH
            if field.min_length is not None and length < field.min_length:
                return FieldError(key, "too_short", {"min": field.min_length})
            if length > max_length:
                return FieldError(key, "too_long", {"max": max_length})
        case "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return FieldError(key, "type")
            if field.integer and value != int(value):
                return FieldError(key, "integer")
            if field.min is not None and value < field.min:
                return FieldError(key, "too_small", {"min": field.min})
            if field.max is not None and value > field.max:
                return FieldError(key, "too_large", {"max": field.max})
        case "date":
            date = _parse_date(value)
            if date is None:
                return FieldError(key, "date_format")
            if field.min_date is not None and date < _resolve_date(field.min_date, today):
                return FieldError(key, "date_too_early", {"min": field.min_date})
            if field.max_date is not None and date > _resolve_date(field.max_date, today):
                return FieldError(key, "date_too_late", {"max": field.max_date})
        case "choice":
            # the str check first: a list or dict value is unhashable and would raise
            if not isinstance(value, str) or value not in {o.value for o in field.options}:
                return FieldError(key, "not_an_option")
        case "phone":
            if not isinstance(value, str) or not is_valid_phone(value):
                return FieldError(key, "phone")
        case "cccd":
            if not isinstance(value, str):
                return FieldError(key, "cccd_format")
            code = cccd_error(value, today)
            if code is not None:
                return FieldError(key, code)
        case "address":
            return _address_error(key, value, communes)
    return None


def _address_error(key: str, value: object, communes: Set[str]) -> FieldError | None:
    if not isinstance(value, Mapping):
        return FieldError(key, "type")
    commune, detail = value.get("communeCode"), value.get("detail")
    if not isinstance(commune, str) or not COMMUNE_PATTERN.fullmatch(commune):
        return FieldError(key, "address_commune")
    if communes and commune not in communes:
        return FieldError(key, "address_commune")
    if not isinstance(detail, str) or not detail.strip():
        return FieldError(key, "address_detail")
    if len(detail.strip()) > TEXT_MAX_LENGTH:
        return FieldError(key, "too_long", {"max": TEXT_MAX_LENGTH})
    return None


def validate_form(
    schema: FormSchema,
    data: Mapping[str, object],
    *,
    today: dt.date,
    communes: Set[str] = frozenset(),
) -> list[FieldError]:
    """Every broken rule of `data` against `schema`, in form order; empty when valid.

    Keys the form does not know are refused, so nothing unvalidated is ever stored.
    `communes` is the set of known commune codes (empty: only the code's shape is checked).
    """
    fields = schema.fields()
    errors = [FieldError(key, "unknown_field") for key in data if key not in fields]
    for key, field in fields.items():
        error = validate_field(field, data.get(key), today, communes)
        if error is not None:
            errors.append(error)
    return errors


def schema_problems(schema: FormSchema) -> list[str]:
    """Authoring mistakes in a form schema (duplicate keys, choices without options, ...)."""
    problems: list[str] = []
    seen: set[str] = set()
    for section in schema.sections:
        for field in section.fields:
            if field.key in seen:
                problems.append(f"duplicate field key {field.key!r}")
            seen.add(field.key)
            if field.type == "choice" and not field.options:
                problems.append(f"choice field {field.key!r} has no options")
            for bound in (field.min_date, field.max_date):
                if bound is not None and bound != "today" and _parse_date(bound) is None:
                    problems.append(f"field {field.key!r} has a bad date bound {bound!r}")
    slot_keys = [d.key for d in schema.documents]
    if len(slot_keys) != len(set(slot_keys)):
        problems.append("duplicate document slot key")
    return problems
