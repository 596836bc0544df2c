"""Notification templates, versioned, in Vietnamese (authoritative) and English.

A template never changes in place: new wording is a new version, so a notification can always
say which text it was made from. Parameters are filled with `str.format`; every template
declares the parameters it needs, and a test renders each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Wording:
    title: str
    body: str


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    params: frozenset[str]
    vi: Wording
    en: Wording


def _template(key: str, version: int, params: str, vi: Wording, en: Wording) -> Template:
    return Template(key, version, frozenset(params.split()), vi, en)


TEMPLATES: Final[dict[str, Template]] = {
    t.key: t
    for t in (
        _template(
            "dossier.submitted",
            1,
            "reference procedure procedure_en time",
            Wording(
                "Đã gửi hồ sơ {reference}",
                "Hồ sơ “{procedure}” của bạn đã đến cơ quan giải quyết lúc {time}. Mã tạm của "
                "hồ sơ là {reference}. Bạn sẽ được báo khi bộ phận một cửa tiếp nhận hồ sơ.",
            ),
            Wording(
                "Application {reference} sent",
                "Your application “{procedure_en}” reached the agency at {time}. Its temporary "
                "reference is {reference}. You will be told when the one-stop desk receives it.",
            ),
        ),
        _template(
            "dossier.withdrawn",
            1,
            "reference procedure procedure_en time",
            Wording(
                "Đã rút hồ sơ {reference}",
                "Hồ sơ “{procedure}” ({reference}) đã được rút theo yêu cầu của bạn lúc {time}.",
            ),
            Wording(
                "Application {reference} withdrawn",
                "Your application “{procedure_en}” ({reference}) was withdrawn at your request "
                "at {time}.",
            ),
        ),
    )
}


class MissingParameter(KeyError):
    pass


def render(key: str, params: dict[str, str]) -> dict[str, dict[str, str]]:
    """The notification's text in both languages: {"vi": {"title", "body"}, "en": {...}}."""
    template = TEMPLATES[key]
    missing = template.params - params.keys()
    if missing:
        raise MissingParameter(f"{key} needs {sorted(missing)}")
    return {
        language: {"title": wording.title.format(**params), "body": wording.body.format(**params)}
        for language, wording in (("vi", template.vi), ("en", template.en))
    }
