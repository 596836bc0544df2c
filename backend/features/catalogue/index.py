"""The catalogue in memory: a province has a few thousand procedures, read constantly and
changed by an import now and then. Reads are served from here without touching the database;
every few seconds one cheap query checks the catalogue's revision and reloads on a change, so
an import made by another process shows within `CHECK_EVERY`.

Search follows the same rules as before (docs/decisions/0001): every folded word in the
search text; rank 0 when the whole query is in the name, 1 when every word is, 2 otherwise;
then by code; keyset pages on (rank, code).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.features.catalogue import repository, schemas
from backend.features.catalogue.presenters import procedure_out, sector_out
from backend.models import Agency, Procedure

CHECK_EVERY = 5.0  # seconds between revision checks


@dataclass(frozen=True)
class Entry:
    code: str
    summary: schemas.Procedure
    detail: schemas.Procedure
    name_folded: str
    search_folded: str
    sector_code: str
    level: str
    online: str

    def rank(self, phrase: str, words: Sequence[str]) -> int:
        if not words or phrase in self.name_folded:
            return repository.RANK_NAME_PHRASE
        if all(word in self.name_folded for word in words):
            return repository.RANK_NAME_WORDS
        return repository.RANK_OTHER


class CatalogueIndex:
    def __init__(self, check_every: float = CHECK_EVERY) -> None:
        self.check_every = check_every
        self._entries: dict[str, Entry] = {}
        self._ordered: list[Entry] = []
        self._sectors: list[schemas.Sector] = []
        self._revision: object = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    async def fresh(self, sessions: async_sessionmaker[AsyncSession]) -> CatalogueIndex:
        """This index, reloaded first if the catalogue changed since the last check."""
        if time.monotonic() - self._checked_at < self.check_every:
            return self
        async with self._lock:
            if time.monotonic() - self._checked_at >= self.check_every:
                async with sessions() as db:
                    revision = await repository.catalogue_revision(db)
                    if revision != self._revision:
                        await self._load(db)
                        self._revision = revision
                self._checked_at = time.monotonic()
        return self

    async def _load(self, db: AsyncSession) -> None:
        procedures = await repository.all_procedures(db)
        kinds = {p.agency_kind for p in procedures if p.agency_level == "province"}
        agencies = await repository.agencies_by_kind(db, kinds)
        entries = [self._entry(p, agencies.get(p.agency_kind, [])) for p in procedures]
        self._ordered = sorted(entries, key=lambda e: e.code)
        self._entries = {e.code: e for e in entries}
        self._sectors = [sector_out(s, n) for s, n in await repository.list_sectors_with_counts(db)]

    @staticmethod
    def _entry(procedure: Procedure, agencies: Sequence[Agency]) -> Entry:
        return Entry(
            code=procedure.code,
            summary=procedure_out(procedure, with_variants=False),
            detail=procedure_out(procedure, with_variants=True, agencies=agencies),
            name_folded=procedure.name_folded,
            search_folded=procedure.search_folded,
            sector_code=procedure.sector.code,
            level=procedure.agency_level,
            online=procedure.online_level,
        )

    def find(self, code: str) -> Entry | None:
        return self._entries.get(code)

    def sectors(self) -> list[schemas.Sector]:
        return self._sectors

    def has_sector(self, code: str) -> bool:
        return any(s.code == code for s in self._sectors)

    def search(
        self,
        *,
        words: Sequence[str],
        sector: str | None,
        level: str | None,
        online: str | None,
        after: tuple[int, str] | None,
        limit: int,
    ) -> list[tuple[Entry, int]]:
        """Matching entries, best rank first, then by code, after the keyset `after`."""
        phrase = " ".join(words)
        found = [
            (entry, entry.rank(phrase, words))
            for entry in self._ordered
            if all(word in entry.search_folded for word in words)
            and (sector is None or entry.sector_code == sector)
            and (level is None or entry.level == level)
            and (online is None or entry.online == online)
        ]
        found.sort(key=lambda pair: (pair[1], pair[0].code))
        if after is not None:
            found = [pair for pair in found if (pair[1], pair[0].code) > after]
        return found[:limit]
