"""Sixteen citizens at once against a real server on SQLite (`python -m backend serve`):
each registers two documents, uploads them with tus in 1 MB chunks, and submits a birth
registration, twice. One citizen in four scans a document at 7000 x 7000 (CMYK, the audit's
big photo) instead of photographing it, so some last chunks take a second or more to check.
Counts every answer's status: the goal is no 500 and no 503 (before the checks ran outside
the transaction, uploads got 500 "database is locked" and pushes 503 after 5 s)."""

from __future__ import annotations

import asyncio
import base64
import collections
import datetime as dt
import hashlib
import io
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import select

from backend.config import Settings, load_settings
from backend.core.db import create_engine, session_factory
from backend.features.identity import service as identity
from backend.features.identity.guard import session_cookie_name
from backend.models import Account, AdministrativeUnit
from bench.http_load import running
from bench.image_memory import EDGE, big_jpeg
from tests.support.applications import required_slots, submit_args, valid_fields

CITIZENS = 16
ROUNDS = 2  # applications per citizen
SCANNER_EVERY = 4  # one citizen in four sends a big scan
CHUNK = 1_000_000
BIRTH = "1.001193"
TUS = {"tus-resumable": "1.0.0"}


def phone_photo(seed: int) -> bytes:
    """The app's size (2048 px long edge, JPEG 0.75) but noise: about 1.6 MB, three times
    what a phone's photo weighs, so the checks work harder than they would."""
    noise = Image.effect_noise((2048, 1536), 60 + seed % 20).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=75)
    return out.getvalue()


def route_of(url: str) -> str:
    """`/api/v1/uploads/<token>` -> `uploads/{id}`: answers counted per route."""
    parts = url.split("/")[3:]  # after /api/v1
    if parts[0] == "uploads" and len(parts) > 1:
        parts = [parts[0], "{id}"]
    return "/".join(parts)


class Citizen:
    def __init__(self, http: httpx.AsyncClient, statuses: collections.Counter[str]) -> None:
        self.http = http
        self.statuses = statuses
        self.client_id = str(uuid.uuid4())
        self.next_mutation = 1
        self.slowest = 0.0

    async def call(self, method: str, url: str, **kw: Any) -> httpx.Response:
        started = time.perf_counter()
        response = await self.http.request(method, url, **kw)
        self.slowest = max(self.slowest, time.perf_counter() - started)
        self.statuses[f"{method} {route_of(url)} {response.status_code}"] += 1
        return response

    async def push(self, name: str, args: dict[str, Any]) -> httpx.Response:
        mutation = {
            "name": name,
            "mutationId": self.next_mutation,
            "clientTime": "2026-12-04T09:00:00+07:00",
            "args": args,
        }
        self.next_mutation += 1
        body = {"clientId": self.client_id, "protocolVersion": 1, "mutations": [mutation]}
        return await self.call("POST", "/api/v1/sync/push", json=body)

    async def upload(self, data: bytes, slot: str) -> str:
        attachment = str(uuid.uuid4())
        args = {
            "attachmentId": attachment,
            "slotKey": slot,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "mediaType": "image/jpeg",
        }
        await self.push("attachment.register", args)
        metadata = "attachmentId " + base64.b64encode(attachment.encode()).decode()
        headers = {**TUS, "upload-length": str(len(data)), "upload-metadata": metadata}
        created = await self.call("POST", "/api/v1/uploads", headers=headers)
        if created.status_code != 201:
            return attachment
        location = created.headers["location"]
        for offset in range(0, len(data), CHUNK):
            chunk = data[offset : offset + CHUNK]
            checksum = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
            sent = await self.call(
                "PATCH",
                location,
                content=chunk,
                headers={
                    **TUS,
                    "upload-offset": str(offset),
                    "content-type": "application/offset+octet-stream",
                    "upload-checksum": f"sha256 {checksum}",
                },
            )
            if sent.status_code != 204:
                break
        return attachment

    async def apply(self, form: dict[str, Any], commune: str, files: list[bytes]) -> None:
        slots = required_slots(form)
        documents = {
            slot: [await self.upload(data, slot)] for slot, data in zip(slots, files, strict=True)
        }
        args = submit_args(BIRTH, valid_fields(form, commune), documents)
        submitted = await self.push("dossier.submit", args)
        results = submitted.json().get("results") if submitted.status_code == 200 else None
        status = results[0]["status"] if results else "not applied"
        self.statuses[f"dossier.submit {status}"] += 1


async def _sessions(settings: Settings, count: int) -> tuple[list[str], str]:
    """Signed-in citizens (sessions opened in the database, as a passkey sign-in would)."""
    now = dt.datetime.now(dt.UTC)
    engine = create_engine(settings.resolved_database_url)
    tokens = []
    try:
        async with session_factory(engine)() as db, db.begin():
            commune = (
                await db.execute(
                    select(AdministrativeUnit.code)
                    .where(AdministrativeUnit.level == "commune")
                    .limit(1)
                )
            ).scalar_one()
            for n in range(count):
                account = Account(
                    id=str(uuid.uuid4()),
                    kind="citizen",
                    full_name=f"Công dân {n}",
                    phone=f"0970{n:06d}",
                    email=None,
                    cccd=None,
                    user_handle=identity.new_user_handle(),
                    created_at=now,
                    disabled_at=None,
                )
                db.add(account)
                await db.flush()
                opened = await identity.open_session(db, identity.Context(settings, now), account)
                tokens.append(opened.token)
    finally:
        await engine.dispose()
    return tokens, str(commune)


async def _load(base_url: str, settings: Settings) -> dict[str, Any]:
    tokens, commune = await _sessions(settings, CITIZENS)
    photos = [phone_photo(seed) for seed in range(4)]
    scan = big_jpeg("CMYK")
    statuses: collections.Counter[str] = collections.Counter()
    cookie = session_cookie_name(settings)
    limits = httpx.Limits(max_connections=2)
    clients = [
        httpx.AsyncClient(base_url=base_url, cookies={cookie: token}, timeout=120, limits=limits)
        for token in tokens
    ]
    try:
        form = (await clients[0].get(f"/api/v1/procedures/{BIRTH}")).json()["variants"][0]["form"]
        citizens = [Citizen(http, statuses) for http in clients]
        for citizen in citizens:
            await citizen.call(
                "POST",
                "/api/v1/sync/clients",
                json={"clientId": citizen.client_id, "protocolVersion": 1},
            )

        async def journey(n: int, citizen: Citizen) -> None:
            for round_ in range(ROUNDS):
                first = scan if n % SCANNER_EVERY == 0 else photos[(n + round_) % 4]
                await citizen.apply(form, commune, [first, photos[(n + round_ + 1) % 4]])

        started = time.perf_counter()
        await asyncio.gather(*(journey(n, c) for n, c in enumerate(citizens)))
        elapsed = time.perf_counter() - started
    finally:
        for http in clients:
            await http.aclose()
    counts = dict(sorted(statuses.items()))
    answers = {k: v for k, v in counts.items() if not k.startswith("dossier.submit")}
    return {
        "citizens": CITIZENS,
        "applications": CITIZENS * ROUNDS,
        "requests": sum(answers.values()),
        "status_500": sum(v for k, v in answers.items() if k.endswith(" 500")),
        "status_503": sum(v for k, v in answers.items() if k.endswith(" 503")),
        "other_errors": sum(v for k, v in answers.items() if int(k.rsplit(" ", 1)[1]) >= 400)
        - sum(v for k, v in answers.items() if k.endswith((" 500", " 503"))),
        "submitted_applied": counts.get("dossier.submit applied", 0),
        "seconds": round(elapsed, 1),
        "slowest_request_s": round(max(c.slowest for c in citizens), 2),
        "answers": counts,
        "scan_bytes": len(scan),
        "photo_bytes": len(photos[0]),
    }


def run(root: Path | None = None) -> dict[str, Any]:
    """`root` lets the same load run against another checkout (to measure a baseline)."""
    with tempfile.TemporaryDirectory() as var:
        env = {"MOTCUA_VAR_DIR": var}
        command = [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", "0"]
        settings = load_settings(env)
        with running(command, env, cwd=root) as url:
            result = asyncio.run(_load(url, settings))
    result["method"] = (
        f"python -m backend serve (one uvicorn process, SQLite, jobs on) on the same 2-core "
        f"machine; {CITIZENS} citizens as concurrent httpx clients, each {ROUNDS} times: "
        f"attachment.register twice, tus upload of each file in 1 MB chunks with checksums, "
        f"dossier.submit; documents are photos of 2048 x 1536 (noise, "
        f"{result['photo_bytes'] / 1e6:.1f} MB: three times what the phone sends), and for "
        f"one citizen in {SCANNER_EVERY} a {EDGE} x {EDGE} CMYK scan of "
        f"{result['scan_bytes'] / 1e6:.1f} MB; every answer's status counted"
    )
    return result
