"""create_app(settings): wiring only — plugins, routes, handlers; no logic here."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Tag

from backend import __version__
from backend.config import Settings, load_settings
from backend.core.clock import Clock, SystemClock
from backend.core.db import create_engine, provide_db, session_factory
from backend.core.edge import BodyDeadline, EdgeRequest, check_parameters, close_unread_bodies
from backend.core.errors import EXCEPTION_HANDLERS
from backend.core.jobs import RunLog, check_schedules, run_forever
from backend.core.openapi import declare_problems
from backend.core.pwa import serve_pwa, serve_pwa_index
from backend.core.queue import RedisRunLog, redis_client, runner_name
from backend.core.ratelimit import LocalRateLimits, RedisRateLimits
from backend.features.catalogue.index import CatalogueIndex
from backend.features.catalogue.routes import CatalogueController
from backend.features.dossiers import jobs as dossier_jobs
from backend.features.dossiers.routes import OwnerFileController, WorkController
from backend.features.health.routes import health
from backend.features.identity.guard import enforce_access
from backend.features.identity.routes import (
    AccountController,
    AuthController,
    DeskIdentityController,
    StaffController,
)
from backend.features.lookup.routes import LookupController
from backend.features.receipts.routes import ReceiptController
from backend.features.sync import jobs as sync_jobs
from backend.features.sync.routes import SyncController
from backend.features.uploads import jobs as upload_jobs
from backend.features.uploads.routes import UploadController, client_config

# Every housekeeping job, defined once: run inside the app (MOTCUA_JOBS=app, the embedded
# default) or by `python -m backend worker` from the queue (MOTCUA_JOBS=queue).
HOUSEKEEPING = [*sync_jobs.JOBS, *upload_jobs.JOBS, *dossier_jobs.JOBS]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    settings = settings or load_settings()
    check_schedules(HOUSEKEEPING, settings)

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url, echo=settings.sql_echo)
        app.state.engine = engine
        app.state.db_sessions = session_factory(engine)
        redis = redis_client(settings.redis_url) if settings.redis_url else None
        runs: RunLog | None = None
        if redis is not None:  # every app worker counts the same limits
            app.state.rate_limiter = RedisRateLimits(redis)
            runs = RedisRunLog(redis, runner_name("app"))
        housekeeping = None
        if settings.background_jobs and settings.jobs == "app":
            housekeeping = asyncio.create_task(
                run_forever(
                    HOUSEKEEPING, app.state.db_sessions, settings, app.state.clock, runs=runs
                )
            )
        try:
            yield
        finally:
            if housekeeping is not None:
                housekeeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await housekeeping
            if redis is not None:
                await redis.aclose()
            await engine.dispose()

    def provide_settings() -> Settings:
        return settings

    app = Litestar(
        route_handlers=[
            health,
            CatalogueController,
            AuthController,
            AccountController,
            DeskIdentityController,
            StaffController,
            SyncController,
            WorkController,
            ReceiptController,
            OwnerFileController,
            LookupController,
            UploadController,
            client_config,
            serve_pwa_index,
            serve_pwa,
        ],
        guards=[enforce_access, check_parameters],
        request_class=EdgeRequest,
        middleware=[
            DefineMiddleware(
                BodyDeadline,
                timeout=settings.request_body_timeout,
                min_rate=settings.request_body_min_rate,
            )
        ],
        before_send=[close_unread_bodies],
        state=State(
            {
                "settings": settings,
                "clock": clock or SystemClock(),
                "rate_limiter": LocalRateLimits(),
                "catalogue_index": CatalogueIndex(),
            }
        ),
        dependencies={
            "db": Provide(provide_db),
            "settings": Provide(provide_settings, use_cache=True, sync_to_thread=False),
        },
        lifespan=[database],
        exception_handlers=EXCEPTION_HANDLERS,
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1024, exclude_opt_key="skip_compression"
        ),
        openapi_config=OpenAPIConfig(
            title="MotCua API",
            version=__version__,
            description="The one-stop public services of the province: catalogue, "
            "dossiers, sync. Errors are RFC 9457 problem details in Vietnamese or English "
            "(Accept-Language).",
            path="/api/docs",
            # The API description is public, like the API's public routes.
            openapi_router=Router(
                "/api/docs", route_handlers=[], opt={"access": "public"}, include_in_schema=False
            ),
            render_plugins=[ScalarRenderPlugin(path="/")],
            tags=[
                Tag(name="catalogue", description="Administrative procedures (public)"),
                Tag(name="identity", description="Passkeys, sessions, recovery"),
                Tag(name="desk", description="One-stop desk"),
                Tag(name="staff", description="Staff and roles"),
                Tag(name="sync", description="Offline sync: push and pull"),
                Tag(name="uploads", description="Resumable uploads (tus 1.0) and limits"),
                Tag(name="health", description="Service health"),
            ],
        ),
        debug=False,
    )
    declare_problems(app)
    return app
