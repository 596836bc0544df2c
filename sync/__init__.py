"""The MotCua sync protocol (DESIGN.md §4): wire types, cursor codec and pure rules.

No web framework and no ORM inside; the server (``backend/features/sync/``) and the clients
build on it.

- `sync.messages`: the msgspec wire types (named mutations, push, pull, changes) and their
  decoders, including the per-mutation tolerant reading of a push;
- `sync.cursor`: the opaque signed pull cursor and the check that decides a reset;
- `sync.rules`: mutation ordering, acknowledgement, retry backoff, the draft field merge;
- `sync.schema`: ``python -m sync.schema`` exports the wire types as JSON Schema and TypeScript.

A Python client with an outbox (``sync.client``, httpx) comes with the server endpoints.
"""

PROTOCOL_VERSION = 1
