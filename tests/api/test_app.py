"""The app shell: health, OpenAPI, problem details for unknown routes, PWA serving."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend import __version__
from backend.app import create_app
from backend.config import Settings
from tests.conftest import settings_for

Client = AsyncTestClient[Litestar]


async def test_health_reports_database_and_version(client: Client) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": __version__}


async def test_health_when_the_database_is_unreachable(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()  # a directory where the SQLite file should be: cannot open
    settings = settings_for(f"sqlite+aiosqlite:///{tmp_path / 'db'}", tmp_path)
    async with AsyncTestClient(create_app(settings)) as client:
        response = await client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


async def test_openapi_has_explicit_operation_ids(client: Client) -> None:
    document = (await client.get("/api/docs/openapi.json")).json()
    operations = {
        op["operationId"]
        for path in document["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {"listProcedures", "getProcedure", "listSectors", "getHealth"} <= operations
    assert all(op[0].islower() and "_" not in op for op in operations)
    assert (await client.get("/api/docs")).status_code == 200


async def test_unknown_api_route_is_a_problem(client: Client) -> None:
    response = await client.get("/api/v1/nothing-here", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Nothing exists at /api/v1/nothing-here."


async def test_wrong_method_is_a_problem(client: Client) -> None:
    response = await client.delete("/api/v1/procedures/1.001193")
    assert response.status_code == 405
    assert response.json()["type"].endswith("method-not-allowed")


def _built_pwa(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>MotCua</title>")
    (dist / "sw.js").write_text("// the service worker")
    (dist / "assets" / "index-abc123.js").write_text("console.log('shell')")
    (dist / "manifest.webmanifest").write_text("{}")
    return dist


async def test_pwa_routes_fall_back_to_index_and_assets_are_immutable(
    settings: Settings, tmp_path: Path
) -> None:
    dist = _built_pwa(tmp_path)
    app = create_app(settings_for(settings.database_url, tmp_path, pwa_dir=dist))
    async with AsyncTestClient(app) as client:
        index = await client.get("/")
        route = await client.get("/thu-tuc/1.001193")
        asset = await client.get("/assets/index-abc123.js")
        worker = await client.get("/sw.js")
        manifest = await client.get("/manifest.webmanifest")
        missing = await client.get("/assets/gone-123.js")
        escape = await client.get("/..%2f..%2fetc/passwd")
    assert index.status_code == route.status_code == 200
    assert "MotCua" in route.text
    assert index.headers["cache-control"] == route.headers["cache-control"] == "no-cache"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache"
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert missing.status_code == 404
    assert escape.status_code in (200, 404)
    assert "root:" not in escape.text


async def test_service_worker_kill_switch(settings: Settings, tmp_path: Path) -> None:
    dist = _built_pwa(tmp_path)
    app = create_app(
        settings_for(settings.database_url, tmp_path, pwa_dir=dist, retire_service_worker=True)
    )
    async with AsyncTestClient(app) as client:
        worker = await client.get("/sw.js")
    assert worker.status_code == 200
    assert "registration.unregister()" in worker.text
    assert worker.headers["cache-control"] == "no-cache"
