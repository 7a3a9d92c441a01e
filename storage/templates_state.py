"""Workspace message templates: their Jinja2 sources, checked by core before they come
here (``bot.core.templates``); storage keeps them and reads them a batch at a time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select

from storage.base import Store
from storage.models import TemplateRow


class TemplateState(Store):
    async def workspace_templates(self, workspaces: Collection[str]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        if not workspaces:
            return found
        table = TemplateRow.__table__
        stmt = select(table.c.workspace, table.c.name, table.c.source).where(
            table.c.workspace.in_(list(workspaces))
        )
        async with self._engine.connect() as conn:
            for workspace, name, source in await conn.execute(stmt):
                found.setdefault(workspace, {})[name] = source
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
