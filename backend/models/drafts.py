"""Draft applications: filled in on the phone, synced so a lost phone loses nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, JSONValue, UTCDateTime


class Draft(Base):
    """An application being filled in (per account, private), synced from the phone."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    procedure_code: Mapped[str] = mapped_column(String(64))
    variant_key: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DraftRevision(Base):
    """The fields of each version of a draft: the base a later edit is merged against."""

    __tablename__ = "draft_revision"

    draft_id: Mapped[str] = mapped_column(
        ForeignKey("draft.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    # The installation whose save made this version: a later save from the same installation
    # is based on it even before the installation has pulled it.
    client_id: Mapped[str | None] = mapped_column(String(36))
