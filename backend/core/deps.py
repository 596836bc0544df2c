"""Names of the app-wide dependencies, as handlers annotate them."""

from __future__ import annotations

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings

Db = NamedDependency[AsyncSession]
AppSettings = NamedDependency[Settings]
