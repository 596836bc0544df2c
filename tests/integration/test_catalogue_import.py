"""Catalogue import: idempotent, facts updated in place, changed variants versioned."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.__main__ import SEED_CATALOGUE
from backend.core.db import create_engine, session_factory
from backend.features.catalogue.service import (
    CatalogueError,
    ImportReport,
    import_catalogue,
    parse_catalogue,
)
from backend.models import Agency, Procedure, ProcedureVariant
from tests.conftest import TemplateDatabase

NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
SHARED = Path(__file__).parents[3] / "shared" / "data" / "procedures.json"


async def run_import(url: str, document: dict[str, Any], now: dt.datetime = NOW) -> ImportReport:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as db, db.begin():
            return await import_catalogue(
                db, parse_catalogue(json.dumps(document).encode()), now=now
            )
    finally:
        await engine.dispose()


async def snapshot(url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as db:
            return await _rows(db)
    finally:
        await engine.dispose()


async def _rows(db: AsyncSession) -> list[tuple[Any, ...]]:
    procedures = (await db.execute(select(Procedure).order_by(Procedure.code))).scalars()
    variants = (await db.execute(select(ProcedureVariant).order_by(ProcedureVariant.id))).scalars()
    return [
        *((p.code, p.name, p.updated_at) for p in procedures),
        *((v.procedure_id, v.version, v.content_hash, v.effective_to) for v in variants),
    ]


def seed_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SEED_CATALOGUE.read_text())
    return document


async def test_importing_the_seed_again_changes_nothing(database_url: str) -> None:
    before = await snapshot(database_url)
    report = await run_import(database_url, seed_document(), NOW + dt.timedelta(days=1))
    assert not report.changed
    assert len(report.unchanged) == 8
    assert await snapshot(database_url) == before


async def test_a_changed_fee_creates_a_new_variant_version(database_url: str) -> None:
    document = seed_document()
    entry = next(p for p in document["procedures"] if p["code"] == "3.000347")
    entry["fees"][0]["amount_vnd"] = 140000
    later = NOW + dt.timedelta(days=30)
    report = await run_import(database_url, document, later)
    assert report.versioned == ["3.000347"]
    assert not (await run_import(database_url, document, later)).changed

    engine = create_engine(database_url)
    async with session_factory(engine)() as db:
        procedure = (
            await db.execute(select(Procedure).where(Procedure.code == "3.000347"))
        ).scalar_one()
        versions = (
            (
                await db.execute(
                    select(ProcedureVariant)
                    .where(ProcedureVariant.procedure_id == procedure.id)
                    .order_by(ProcedureVariant.version)
                )
            )
            .scalars()
            .all()
        )
    await engine.dispose()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].effective_to == later.date()
    assert versions[0].fees[0]["amount_vnd"] == 135000
    assert versions[1].effective_to is None
    assert versions[1].fees[0]["amount_vnd"] == 140000


async def test_changed_procedure_facts_are_updated_in_place(database_url: str) -> None:
    document = seed_document()
    entry = next(p for p in document["procedures"] if p["code"] == "1.001193")
    entry["online_level"] = "partial"
    report = await run_import(database_url, document)
    assert report.updated == ["1.001193"]
    engine = create_engine(database_url)
    async with session_factory(engine)() as db:
        count = (await db.execute(select(func.count(ProcedureVariant.id)))).scalar_one()
    await engine.dispose()
    assert count == 8


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data is not beside this checkout")
async def test_the_shared_reference_file_imports_as_it_is(database_url: str) -> None:
    document = json.loads(SHARED.read_text())
    first = await run_import(database_url, document)
    assert sorted(first.versioned + first.updated + first.unchanged) == sorted(
        p["code"] for p in document["procedures"]
    )
    assert not (await run_import(database_url, document)).changed


@pytest.mark.parametrize(
    ("mutate", "complaint"),
    [
        (lambda d: d["procedures"].append(dict(d["procedures"][0])), "appears twice"),
        (lambda d: d["procedures"][0]["fees"][0].update(amount_vnd=-1), "negative"),
        (lambda d: d["procedures"][0].pop("code"), "code"),
        (lambda d: d["procedures"][0]["processing"].update(unit="fortnights"), "unit"),
    ],
)
def test_bad_catalogue_files_are_refused_with_the_reason(mutate: Any, complaint: str) -> None:
    document = seed_document()
    mutate(document)
    with pytest.raises(CatalogueError, match=complaint):
        parse_catalogue(msgspec.json.encode(document))


async def test_the_api_serves_an_import_made_elsewhere(database_url: str, tmp_path: Path) -> None:
    from litestar.testing import AsyncTestClient

    from backend.app import create_app
    from backend.features.catalogue.index import CatalogueIndex
    from tests.conftest import settings_for

    app = create_app(settings_for(database_url, tmp_path))
    app.state.catalogue_index = CatalogueIndex(check_every=0)  # check on every request
    async with AsyncTestClient(app, base_url="http://localhost:8000") as client:
        before = await client.get("/api/v1/procedures/3.000347")
        assert before.json()["variants"][0]["fees"][0]["amountVnd"] == 135000
        document = seed_document()
        entry = next(p for p in document["procedures"] if p["code"] == "3.000347")
        entry["fees"][0]["amount_vnd"] = 140000
        await run_import(database_url, document)  # as the import command would, elsewhere
        after = await client.get(
            "/api/v1/procedures/3.000347", headers={"if-none-match": before.headers["etag"]}
        )
    assert after.status_code == 200
    assert after.json()["variants"][0]["fees"][0]["amountVnd"] == 140000
    assert after.json()["variants"][0]["version"] == 2


async def test_the_agencies_form_the_provinces_tree(template_database: TemplateDatabase) -> None:
    """Departments and communes under the province's people's committee, units under their
    department, commune police under the provincial police: what leading and administering
    an agency "and those below it" walks."""
    engine = create_engine(template_database.url)
    try:
        async with session_factory(engine)() as db:
            agencies = {a.id: a for a in (await db.execute(select(Agency))).scalars()}
    finally:
        await engine.dispose()
    parent = {
        a.code: agencies[a.parent_id].code if a.parent_id else None for a in agencies.values()
    }
    kinds = {a.code: a.kind for a in agencies.values()}
    assert [code for code, above in parent.items() if above is None] == ["000.00.00.H19"]
    assert parent["000.00.05.H19"] == "000.00.04.H19"  # land office under its department
    assert parent["000.00.01.H19"] == "000.00.00.H19"
    communes = [c for c, k in kinds.items() if k == "commune_people_committee"]
    police = [c for c, k in kinds.items() if k == "commune_police"]
    assert communes
    assert police
    assert {parent[c] for c in communes} == {"000.00.00.H19"}
    assert {parent[c] for c in police} == {"000.00.02.H19"}
