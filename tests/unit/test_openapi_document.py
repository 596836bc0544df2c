"""The committed OpenAPI document, which the PWA's API types are generated from, is the one the
app describes now."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from backend.openapi_export import (
    COMMAND,
    DOCUMENT_PATH,
    REPO_ROOT,
    is_current,
    main,
    openapi_document,
    render,
    write,
)


def test_the_committed_document_is_what_the_app_describes() -> None:
    committed = (REPO_ROOT / DOCUMENT_PATH).read_text(encoding="utf-8")
    current = render(openapi_document())
    if committed != current:
        difference = difflib.unified_diff(
            committed.splitlines(), current.splitlines(), "committed", "app", lineterm="", n=2
        )
        shown = "\n".join(list(difference)[:60])
        pytest.fail(
            f"{DOCUMENT_PATH} is stale: run `{COMMAND}`, then `npm run api-types` in pwa/\n{shown}"
        )


def test_the_check_command_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_write_creates_what_check_then_accepts(tmp_path: Path) -> None:
    assert not is_current(tmp_path)
    assert write(tmp_path) is True
    assert is_current(tmp_path)
    assert write(tmp_path) is False
    document = json.loads((tmp_path / DOCUMENT_PATH).read_text(encoding="utf-8"))
    document["components"]["schemas"]["Receipt"]["properties"].pop("code")
    (tmp_path / DOCUMENT_PATH).write_text(render(document), encoding="utf-8")
    assert not is_current(tmp_path)
    assert write(tmp_path) is True


def test_the_text_is_stable() -> None:
    text = render(openapi_document())
    assert text.endswith("}\n")
    assert text == render(json.loads(text))  # sorted keys: a second export changes nothing
    assert text == render(openapi_document())


def test_schemas_are_named_in_the_domains_words_not_by_module() -> None:
    """Two structs of one name are told apart by Litestar with their module path
    (`backend_features_lookup_schemas_TimelineEntry`): a name that leaks code into the public
    API and the PWA's types. Each wire shape has a name of its own."""
    names = openapi_document()["components"]["schemas"]
    assert [name for name in names if "_" in name] == []
