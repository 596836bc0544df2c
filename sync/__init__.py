"""The MotCua sync protocol: wire types, cursor codec, pure rules and a Python client.

No web framework and no ORM inside. The protocol itself arrives with the sync-engine issue;
this package exists from the start so the project's layout is the one DESIGN.md fixes.
"""

PROTOCOL_VERSION = 1
