"""Storage: SQLAlchemy 2 (async) on SQLite or PostgreSQL, with Alembic migrations."""

from storage.engine import make_engine
from storage.migrate import is_current, upgrade, upgrade_async
from storage.outage import ping, unavailable
from storage.repository import SqlReminderRepository
from storage.urls import normalize_url

__all__ = [
    "SqlReminderRepository",
    "is_current",
    "make_engine",
    "normalize_url",
    "ping",
    "unavailable",
    "upgrade",
    "upgrade_async",
]
