"""The acting principal and the access policy every route declares.

Each route handler says who may call it in `opt["access"]`:
    "public"             anyone
    "signed_in"          any signed-in account, citizen or staff
    "citizen"            a signed-in citizen
    ("desk", "admin")    a signed-in staff member holding one of these roles somewhere; which
                         dossiers and agencies they may touch is decided in one place,
                         `backend/features/dossiers/access.py`, that every query builds on
The app-wide guard (features/identity/guard.py) enforces it; a test walks the route table
and fails on any route without a policy. Repositories take the principal, so scoping cannot
be forgotten.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Role = Literal["desk", "handler", "approver", "field", "postal", "admin"]
ROLES: tuple[Role, ...] = ("desk", "handler", "approver", "field", "postal", "admin")
AccessPolicy = Literal["public", "signed_in", "citizen"] | tuple[Role, ...]


class RoleGrant(msgspec.Struct, frozen=True):
    role: Role
    agency_code: str | None = None
    postal_unit: str | None = None


class Principal(msgspec.Struct, frozen=True):
    """Who is acting: the account, its kind, its roles and the session it acts through."""

    account_id: str
    kind: Literal["citizen", "staff"]
    roles: tuple[RoleGrant, ...]
    session_id: str

    def has_role(self, *roles: Role) -> bool:
        """Whether the principal holds one of `roles` anywhere: what a route's policy asks.
        Where it may use them is `features/dossiers/access.py`'s answer."""
        return any(grant.role in roles for grant in self.roles)


def access_policy(opt: dict[str, object]) -> AccessPolicy | None:
    """The declared policy of a route, or None when it declares none (a bug)."""
    value = opt.get("access")
    if value in ("public", "signed_in", "citizen"):
        return value
    if isinstance(value, tuple | list) and value and all(v in ROLES for v in value):
        return tuple(value)
    return None
