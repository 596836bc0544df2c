"""Notification templates render in both languages with exactly their declared parameters."""

from __future__ import annotations

import string

import pytest

from backend.features.notifications.templates import TEMPLATES, MissingParameter, render


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_renders_in_vi_and_en(key: str) -> None:
    template = TEMPLATES[key]
    used = {
        name
        for wording in (template.vi, template.en)
        for text in (wording.title, wording.body)
        for _, name, _, _ in string.Formatter().parse(text)
        if name
    }
    assert used == template.params
    params = {name: f"<{name}>" for name in template.params}
    content = render(key, params)
    assert set(content) == {"vi", "en"}
    for language in content.values():
        assert language["title"]
        assert language["body"]
        assert "{" not in language["title"] + language["body"]


def test_a_missing_parameter_is_an_error_not_a_blank() -> None:
    with pytest.raises(MissingParameter):
        render("dossier.submitted", {"reference": "8C9D-0E1F"})
