"""Danish phrases, read from the phrase rules ("Languages"): the English rules with
Danish words (``påmind mig``, ``i morgen``, ``på fredag kl. 9``, ``om 2 timer``, ``hver mandag``,
``om`` as the message connector).

Reference: Monday 23 November 2026 in Europe/Copenhagen (+01:00); Friday is the 27th.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.parsing.batch import answer

CPH = "Europe/Copenhagen"
MON = "2026-11-23T10:00:00"
MON_EARLY = "2026-11-23T08:00:00"


def run(text: str, now: str = MON) -> dict[str, Any]:
    result = dict(answer({"text": text, "now": now, "tz": CPH}))
    assert result["ok"] is True, result
    return result


ONE_OFF = [
    pytest.param(
        "påmind mig i morgen kl. 9 om mødet",
        MON,
        "me",
        "mødet",
        "2026-11-24T09:00:00+01:00",
        id="i_morgen_kl_9",
    ),
    pytest.param(
        "påmind mig i morgen om mødet",
        MON,
        "me",
        "mødet",
        "2026-11-24T09:00:00+01:00",
        id="i_morgen_defaults_to_0900",
    ),
    pytest.param(
        "påmind mig om 2 timer om opvasken",
        MON,
        "me",
        "opvasken",
        "2026-11-23T12:00:00+01:00",
        id="om_2_timer_then_connector_om",
    ),
    pytest.param(
        "påmind mig om opvasken om 2 timer",
        MON,
        "me",
        "opvasken",
        "2026-11-23T12:00:00+01:00",
        id="connector_om_then_om_2_timer",
    ),
    pytest.param(
        "påmind mig om 10 minutter om kaffen",
        MON,
        "me",
        "kaffen",
        "2026-11-23T10:10:00+01:00",
        id="om_10_minutter",
    ),
    pytest.param(
        "påmind mig på fredag kl. 9 om rapporten",
        MON,
        "me",
        "rapporten",
        "2026-11-27T09:00:00+01:00",
        id="paa_fredag_kl_9",
    ),
    pytest.param(
        "påmind mig på fredag kl. 15 om fredagsbaren",
        MON,
        "me",
        "fredagsbaren",
        "2026-11-27T15:00:00+01:00",
        id="paa_fredag_kl_15",
    ),
    pytest.param(
        "påmind mig på mandag om tandlægen",
        MON_EARLY,
        "me",
        "tandlægen",
        "2026-11-23T09:00:00+01:00",
        id="paa_mandag_today_counts_before_0900",
    ),
    pytest.param(
        "påmind #drift i morgen om driftsmødet",
        MON,
        "#drift",
        "driftsmødet",
        "2026-11-24T09:00:00+01:00",
        id="channel_target",
    ),
]


@pytest.mark.parametrize(("text", "now", "target", "message", "occurrence"), ONE_OFF)
def test_danish_one_off(text: str, now: str, target: str, message: str, occurrence: str) -> None:
    result = run(text, now)
    assert (result["target"], result["message"], result["occurrences"], result["rrule"]) == (
        target,
        message,
        [occurrence],
        None,
    )


def test_hver_mandag_is_weekly_on_monday_at_0900() -> None:
    result = run("påmind mig hver mandag om standup")
    assert (result["message"], result["occurrences"], result["rrule"]) == (
        "standup",
        ["2026-11-30T09:00:00+01:00", "2026-12-07T09:00:00+01:00", "2026-12-14T09:00:00+01:00"],
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
    )


def test_hver_mandag_kl_9_before_0900_starts_today() -> None:
    result = run("påmind mig hver mandag kl. 9 om standup", MON_EARLY)
    assert result["occurrences"] == [
        "2026-11-23T09:00:00+01:00",
        "2026-11-30T09:00:00+01:00",
        "2026-12-07T09:00:00+01:00",
    ]


def test_hver_dag_is_daily() -> None:
    # "hver" is Danish for "every" (spec: `hver mandag`); `hver dag` is `every day`.
    result = run("påmind mig hver dag kl. 22 om logbogen")
    assert (result["message"], result["occurrences"], result["rrule"]) == (
        "logbogen",
        ["2026-11-23T22:00:00+01:00", "2026-11-24T22:00:00+01:00", "2026-11-25T22:00:00+01:00"],
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0",
    )


def test_danish_phrase_without_time_is_no_time() -> None:
    assert dict(answer({"text": "påmind mig om opvasken", "now": MON, "tz": CPH})) == {
        "ok": False,
        "error": "no_time",
    }
