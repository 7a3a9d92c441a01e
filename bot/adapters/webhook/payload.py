"""The JSON body a webhook receives: what is due, for whom, and which delivery it is.

Serialised once per attempt (``body_of``); those bytes are signed and sent as they are.
``message`` is the reminder's text as its owner wrote it: a receiver that posts it into
a chat must escape it there (an ``@channel`` in it is the owner's words, not ours).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.core.model import Delivery


def payload(delivery: Delivery) -> dict[str, Any]:
    """The fields of one delivery, every time in ISO 8601 UTC (``...Z``)."""
    rem, occ = delivery.reminder, delivery.occurrence
    entity = (
        {"type": rem.entity_type, "id": rem.entity_id}
        if rem.entity_type is not None and rem.entity_id is not None
        else None
    )
    return {
        "delivery_id": delivery.delivery_id,
        "channel": delivery.channel,
        "attempt": delivery.attempt,
        "reminder_id": rem.id,
        "occurrence_id": occ.id,
        "message": rem.message,
        "entity": entity,
        "event_type": rem.event_type,
        "owner": rem.owner,
        "target": {
            "kind": rem.target_kind.value,
            "id": rem.target_ref,
            "name": rem.target_name,
            "platform": rem.platform,
            "workspace": rem.workspace,
        },
        "due_at": utc(delivery.due or occ.due_at),
        "late_by_seconds": int(delivery.late_by),
        "chat_message_ref": delivery.chat_link,
    }


def body_of(delivery: Delivery) -> bytes:
    """The request body: compact UTF-8 JSON of ``payload``."""
    text = json.dumps(payload(delivery), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def utc(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
