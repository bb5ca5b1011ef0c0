"""What each portal user has seen of their notices: one "seen up to" moment per user. The
notices themselves are derived from the data (pos.consignment.notices), never stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class NoticesSeen(Base):
    __tablename__ = "portal_notices_seen"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    seen_up_to: Mapped[datetime]
