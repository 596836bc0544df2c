"""What every request passes before a handler sees it: readable JSON and the text policy
(decision 0013).

- `EdgeRequest` is the app's request class. Litestar feeds every `data: JSONBody[...]`
  parameter from `Request.json()`, so decoding there covers every JSON route: a body that is
  not JSON, not UTF-8 or nested too deep is a 400 problem, and a string that breaks the text
  policy (`backend.core.text`) a 422 field problem naming its path; handlers get the cleaned
  copy. The sync push reads its body itself and applies the policy per mutation.
- `check_parameters`, an app-wide guard, does the same for path and query parameters.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures.state import State
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

from backend.core import text
from backend.core.errors import FieldProblem, MalformedRequest, ValidationFailed

_decoder: Final = msgspec.json.Decoder()


def _field_problems(problems: list[text.TextProblem]) -> list[FieldProblem]:
    return [FieldProblem(p.path or "body", p.code, dict(p.params)) for p in problems]


def read_json(body: bytes) -> Any:
    """A JSON body decoded and passed through the text policy: the cleaned value, or
    `MalformedRequest` (400) or `ValidationFailed` (422, every broken string by path)."""
    try:
        value = _decoder.decode(text.repair_lone_surrogates(body) if body else b"null")
        cleaned, problems = text.clean(value)
    except UnicodeDecodeError as exc:
        raise MalformedRequest(reason="encoding") from exc
    except (RecursionError, text.TooDeep) as exc:
        raise MalformedRequest(reason="too_deep", max=text.MAX_DEPTH) from exc
    except (msgspec.DecodeError, ValueError) as exc:
        raise MalformedRequest(reason="json") from exc
    if problems:
        raise ValidationFailed(_field_problems(problems))
    return cleaned


class EdgeRequest(Request[Any, Any, State]):
    """The app's request class: its JSON body is decoded by `read_json`."""

    async def json(self) -> Any:
        if self._json is Empty:
            state = self._connection_state
            if state.json is Empty:
                state.json = read_json(await self.body())
            self._json = state.json
        return self._json


async def check_parameters(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """The text policy for path and query parameters: refused ones are a 422 naming each;
    the others reach the handler normalised."""
    problems: list[text.TextProblem] = []
    path_params: dict[str, Any] = connection.scope.get("path_params") or {}
    for name, value in path_params.items():
        if isinstance(value, str):
            cleaned, found = text.clean(value, path=name)
            path_params[name] = cleaned
            problems += found
    query = connection.query_params.multi_items()
    cleaned_query = []
    for name, value in query:
        if (problem := text.text_problem(name)) is not None:
            problems.append(text.TextProblem(text.escaped(name), *problem))
        if isinstance(value, str):
            value, found = text.clean(value, path=text.escaped(name))
            problems += found
        cleaned_query.append((name, value))
    if problems:
        raise ValidationFailed(_field_problems(problems))
    if query:
        parsed = tuple(cleaned_query)
        ScopeState.from_scope(connection.scope).parsed_query = parsed
        connection._parsed_query = parsed  # what Litestar's query extractor reads
