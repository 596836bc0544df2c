"""What a client starting from no cursor receives: everything in its scope as it stands now.

Each feature whose records sync contributes its part; importing the features here also
registers their mutations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.auth import Principal
from backend.features.dossiers import service as dossiers
from backend.features.drafts import service as drafts
from backend.features.notifications import service as notifications
from backend.features.notifications.service import notification_data
from backend.features.uploads import service as uploads
from sync.messages import AttachmentChange, Change, DraftChange, NotificationChange


async def snapshot(db: AsyncSession, principal: Principal) -> list[Change]:
    """The account's drafts, files, dossiers and inbox, oldest first within each."""
    account_id = principal.account_id
    changes: list[Change] = [
        DraftChange(id=d.id, op="put", data=drafts.draft_data(d), version=d.version)
        for d in await drafts.snapshot(db, account_id)
    ]
    changes += [
        AttachmentChange(id=a.id, op="put", data=uploads.attachment_data(a), version=a.version)
        for a in await uploads.snapshot(db, account_id)
    ]
    changes += [c.to_change() for c in await dossiers.snapshot(db, principal)]
    changes += [
        NotificationChange(id=n.id, op="put", data=notification_data(n), version=n.version)
        for n in await notifications.snapshot(db, account_id)
    ]
    return changes
