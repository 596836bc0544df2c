"""Who may see and change a dossier (DESIGN.md §5, Authorization): the one place that decides.

Every query that reads dossiers builds on a statement of this module, so scoping cannot be
forgotten and there is no unscoped path to a citizen's dossier:

- `owned_dossiers`: a citizen's own dossiers (what their phone syncs and downloads).
- `readable_dossiers`: what a principal may *read*. A citizen: their own. Staff: the dossiers
  their agency holds or has held (desk officers answer the citizen at the counter after the
  dossier moved on), and those they may act on. Leaders (approvers) also read what the agencies
  below theirs hold or have held. Field and postal staff read only what they act on (their
  tasks, when those exist). The admin role grants no dossier access by itself: admins
  administer staff within their part of the tree (decision 0013).
- `actionable_dossiers`: what a principal may *act* on: only a dossier whose current step is
  at an agency where they hold that step's role. Which action the step allows is the
  workflow's answer (`handling.actions_at`), asked once the dossier is found.

Anything outside scope is not found: callers raise the same `NotFound` as for an unknown id,
before and after reception alike. Role assignments are read from the database in the same
statement, so a role removed a moment ago no longer counts.

Agencies form a tree (province -> departments and communes -> their units) through
`Agency.parent_id`; `agency_subtree` walks it with a recursive common table expression.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.core.auth import Principal, Role
from backend.core.errors import NotFound
from backend.models import Agency, Dossier, DossierEvent, RoleAssignment

# Roles whose holders read every dossier their agency holds or has held.
READING_ROLES: Final[tuple[Role, ...]] = ("desk", "handler", "approver")
# Roles that lead an agency and the agencies below it (what leaders' late lists show).
LEADING_ROLES: Final[tuple[Role, ...]] = ("approver",)
# The role that administers staff (create accounts, assign roles) within its subtree.
ADMINISTERING_ROLES: Final[tuple[Role, ...]] = ("admin",)


def agencies_where(principal: Principal, *roles: Role) -> Select[int]:
    """The ids of the agencies where the principal holds one of `roles`."""
    return select(RoleAssignment.agency_id).where(
        RoleAssignment.account_id == principal.account_id,
        RoleAssignment.role.in_(roles),
        RoleAssignment.agency_id.is_not(None),
    )  # type: ignore[return-value]


def agency_subtree(roots: Select[int], name: str = "agency_tree") -> Select[int]:
    """The ids of the `roots` agencies and every agency below them."""
    tree = select(Agency.id).where(Agency.id.in_(roots)).cte(name, recursive=True)
    below = aliased(Agency)
    # UNION, not UNION ALL: a cycle in bad data ends instead of looping.
    tree = tree.union(select(below.id).where(below.parent_id == tree.c.id))
    return select(tree.c.id)


def led_agencies(principal: Principal, name: str = "led_agencies") -> Select[int]:
    """The agencies the principal leads: where they are an approver, and those below
    (`name` tells apart two uses in one statement)."""
    return agency_subtree(agencies_where(principal, *LEADING_ROLES), name)


def administered_agencies(principal: Principal) -> Select[int]:
    """The agencies whose staff the principal administers: where they are an admin, and
    those below."""
    return agency_subtree(agencies_where(principal, *ADMINISTERING_ROLES), "administered")


def is_owner(principal: Principal) -> ColumnElement[bool]:
    if principal.kind != "citizen":
        return false()
    return Dossier.owner_account_id == principal.account_id


def may_act(principal: Principal) -> ColumnElement[bool]:
    """At the dossier's current step, at that step's agency, with that step's role."""
    if principal.kind != "staff":
        return false()
    return exists().where(
        RoleAssignment.account_id == principal.account_id,
        RoleAssignment.agency_id == Dossier.step_agency_id,
        RoleAssignment.role == Dossier.step_role,
    )


def held_by(agencies: Select[int]) -> ColumnElement[bool]:
    """The dossier is, or has been, at one of `agencies`: it is there now, it was received
    there, or one of its events happened there or handed it there."""
    held = agencies.scalar_subquery()
    return or_(
        Dossier.step_agency_id.in_(held),
        Dossier.agency_id.in_(held),
        exists().where(
            DossierEvent.dossier_id == Dossier.id,
            or_(DossierEvent.agency_id.in_(held), DossierEvent.to_agency_id.in_(held)),
        ),
    )


def may_read(principal: Principal) -> ColumnElement[bool]:
    if principal.kind != "staff":
        return is_owner(principal)
    reading = union(agencies_where(principal, *READING_ROLES), led_agencies(principal))
    return or_(may_act(principal), held_by(select(reading.subquery().c[0])))


def owned_dossiers(principal: Principal) -> Select[Dossier]:
    return select(Dossier).where(is_owner(principal))


def readable_dossiers(principal: Principal) -> Select[Dossier]:
    return select(Dossier).where(may_read(principal))


def actionable_dossiers(principal: Principal) -> Select[Dossier]:
    return select(Dossier).where(may_act(principal))


async def get_owned(db: AsyncSession, principal: Principal, dossier_id: str) -> Dossier:
    """The principal's own dossier, or NotFound."""
    return await _get(db, owned_dossiers(principal), dossier_id)


async def get_readable(db: AsyncSession, principal: Principal, dossier_id: str) -> Dossier:
    """A dossier the principal may read, or NotFound."""
    return await _get(db, readable_dossiers(principal), dossier_id)


async def get_actionable(db: AsyncSession, principal: Principal, dossier_id: str) -> Dossier:
    """A dossier the principal may act on, locked until the transaction ends, or NotFound."""
    statement = actionable_dossiers(principal).with_for_update(of=Dossier)
    return await _get(db, statement, dossier_id)


async def find_owned(db: AsyncSession, principal: Principal, dossier_id: str) -> Dossier | None:
    statement = owned_dossiers(principal).where(Dossier.id == dossier_id)
    return (await db.execute(statement)).scalar_one_or_none()


async def is_actionable(db: AsyncSession, principal: Principal, dossier_id: str) -> bool:
    statement = select(Dossier.id).where(Dossier.id == dossier_id, may_act(principal))
    return (await db.execute(statement)).first() is not None


async def _get(db: AsyncSession, statement: Select[Dossier], dossier_id: str) -> Dossier:
    dossier = (await db.execute(statement.where(Dossier.id == dossier_id))).scalar_one_or_none()
    if dossier is None:
        raise NotFound()
    return dossier


async def holds_role_at(
    db: AsyncSession, principal: Principal, agency_code: str, *roles: Role
) -> Agency | None:
    """The agency `agency_code`, when the principal holds one of `roles` there."""
    statement = select(Agency).where(
        Agency.code == agency_code, Agency.id.in_(agencies_where(principal, *roles))
    )
    return (await db.execute(statement)).scalar_one_or_none()


async def administers(db: AsyncSession, principal: Principal, agency_id: int) -> bool:
    """Whether the agency is within the principal's administered subtree."""
    statement = administered_agencies(principal).subquery()
    found = await db.execute(select(statement.c[0]).where(statement.c[0] == agency_id))
    return found.first() is not None


async def may_see_staff_of(db: AsyncSession, principal: Principal, agency_code: str) -> bool:
    """Whether the principal works at the agency (any role there), or leads or administers
    it from an agency above."""
    statement = select(Agency.id).where(
        Agency.code == agency_code,
        or_(
            Agency.id.in_(
                select(RoleAssignment.agency_id).where(
                    RoleAssignment.account_id == principal.account_id
                )
            ),
            Agency.id.in_(led_agencies(principal)),
            Agency.id.in_(administered_agencies(principal)),
        ),
    )
    return (await db.execute(statement)).first() is not None
