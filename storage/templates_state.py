"""Workspace message templates: their Jinja2 sources, checked by core before they come
here (``bot.core.templates``); storage keeps them and reads them a batch at a time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import FromClause, delete, select

from storage.base import Store
from storage.models import TemplateRow


class TemplateState(Store):
    async def workspace_templates(self, workspaces: Collection[str]) -> dict[str, dict[str, str]]:
        return await self.per_workspace(TemplateRow.__table__, "source", workspaces)

    async def per_workspace(
        self, table: FromClause, column: str, workspaces: Collection[str]
    ) -> dict[str, dict[str, Any]]:
        """``column`` of each workspace's rows by their ``name``, in one query (a table
        keyed on workspace and name: templates, workspace settings)."""
        found: dict[str, dict[str, Any]] = {}
        if not workspaces:
            return found
        stmt = select(table.c.workspace, table.c.name, table.c[column]).where(
            table.c.workspace.in_(list(workspaces))
        )
        async with self._engine.connect() as conn:
            for workspace, name, value in await conn.execute(stmt):
                found.setdefault(workspace, {})[name] = value
        return found

    async def save_template(self, workspace: str, name: str, source: str, now: datetime) -> None:
        values = {"source": source, "updated_at": now}
        stmt = (
            self._upsert(TemplateRow)
            .values(workspace=workspace, name=name, **values)
            .on_conflict_do_update(
                index_elements=[TemplateRow.workspace, TemplateRow.name], set_=values
            )
        )
        async with self._write_conn() as conn:
            await conn.execute(stmt)

    async def delete_template(self, workspace: str, name: str) -> bool:
        stmt = (
            delete(TemplateRow)
            .where(TemplateRow.workspace == workspace, TemplateRow.name == name)
            .returning(TemplateRow.name)
        )
        async with self._write_conn() as conn:
            gone = (await conn.execute(stmt)).first()
        return gone is not None
