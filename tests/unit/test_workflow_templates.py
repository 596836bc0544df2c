"""The demo procedures' workflow routes: every step at an agency that exists, done by a role
that can do it, in the procedure's processing time; the land transfer crosses three agencies."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from backend.features.catalogue.service import CatalogueFile, FileWorkflow, default_workflow
from tests.unit.test_seed_catalogue import CATALOGUE, PROCEDURES

COMMUNE_KINDS = {"commune_people_committee", "commune_police"}  # one per commune, generated
AGENCY_KINDS = {agency["kind"] for agency in CATALOGUE["agencies"]} | COMMUNE_KINDS | {"one_stop"}


def workflow_of(procedure: dict[str, Any]) -> FileWorkflow:
    return msgspec.convert(procedure["workflow"], FileWorkflow)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_every_step_is_at_a_real_agency_in_the_procedures_time(procedure: dict[str, Any]) -> None:
    workflow = workflow_of(procedure)
    steps = workflow.steps
    assert len({step.key for step in steps}) == len(steps)
    assert {step.agency for step in steps} <= AGENCY_KINDS
    assert steps[0].role == "desk"  # received at a desk
    assert steps[-1].role == "desk"  # and the result returned at one
    assert any(step.kind == "approval" and step.role == "approver" for step in steps)
    processing = procedure["processing"]
    assert processing["unit"] == "working_days"
    assert sum(step.hours for step in steps) == max(processing["value"], 1) * 8
    if procedure["agency_level"] == "commune" and any(
        step.agency == "commune_people_committee" for step in steps
    ):
        fields = {f["key"]: f for s in procedure["form"]["sections"] for f in s["fields"]}
        if workflow.commune_field is not None:
            assert fields[workflow.commune_field]["type"] == "address"


def test_the_land_transfer_crosses_three_agencies_and_waits_for_payment() -> None:
    [land] = [p for p in PROCEDURES if p["code"] == "1.013831"]
    steps = workflow_of(land).steps
    assert [step.agency for step in steps] == [
        "one_stop",
        "land_registration_office",
        "tax_office",
        "one_stop",
        "land_registration_office",
        "land_registration_office",
        "one_stop",
    ]
    assert [step.kind for step in steps if step.agency == "tax_office"] == ["inter_agency"]
    assert [step.kind for step in steps].count("payment") == 1


def test_a_procedure_without_a_route_gets_the_plain_one() -> None:
    file = msgspec.convert(CATALOGUE, CatalogueFile)
    entry = msgspec.structs.replace(file.procedures[2], workflow=None)
    steps = default_workflow(entry).steps
    assert [step.role for step in steps] == ["desk", "handler", "approver", "desk"]
    assert sum(step.hours for step in steps) == pytest.approx(entry.processing.value * 8)
