"""The base of every sync wire type and the scalar types the messages and records share.

`sync.messages` (what a client and the server send each other) and `sync.records` (the synced
records a pull carries) both build on these, so that neither has to import the other's module
to get its base; `sync.messages` re-exports them. The evolution rules are in `sync.messages`.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

import msgspec
from msgspec import Meta

UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

Uuid = Annotated[str, Meta(pattern=UUID_PATTERN, description="A UUID, canonical lowercase form.")]
Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$", description="SHA-256, lowercase hex.")]
MediaType = Annotated[
    str, Meta(pattern="^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", max_length=127)
]
Code = Annotated[str, Meta(min_length=1, max_length=64)]
Version = Annotated[int, Meta(ge=1)]

ReturnMethod: TypeAlias = Literal["counter", "post", "online"]


class Wire(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    """Base of every sync message: camelCase names, defaults left out.

    ``kw_only`` covers only the fields a class declares itself: a subclass with a required field
    after a defaulted one sets it again (as `sync.records.DossierRecord` does).
    """
