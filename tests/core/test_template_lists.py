"""The ``summary`` and ``digest`` templates: a workspace words the summary of held
reminders and the digest its own way, through the real Dispatcher on each backend; the
buttons of a summary stay as they were, and a broken template falls back."""

from __future__ import annotations

from datetime import timedelta

from bot.core import actions
from bot.core.dispatch import Dispatcher
from tests.core.conftest import ANN, DM, Core
from tests.core.test_digests import in_copenhagen, local, mine
from tests.core.test_rate_limit import _add
from tests.factories import DUE

SUMMARY = "{{ items | length }} waited: {% for i in items %}{{ i.message }}; {% endfor %}"
DIGEST = "Today ({{ due }}): {% for i in items %}[{{ i.message }}]{% endfor %}"


def _limited(core: Core, per_hour: int) -> Dispatcher:
    gateways = {core.platform.platform: core.platform}
    return Dispatcher(core.repo, gateways, core.clock, max_per_hour=per_hour)


async def test_the_summary_of_held_reminders_is_worded_by_the_workspace_template(
    core: Core,
) -> None:
    await core.repo.save_template("console:local", "summary", SUMMARY, core.clock.now())
    dispatcher = _limited(core, 2)
    await _add(core, 4)
    core.clock.set(DUE)
    assert await dispatcher.drain() == 4
    assert len(core.platform.delivered) == 2  # two held
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 2
    summary = core.platform.delivered[-1]
    assert summary.reply.text == "2 waited: ann task 3; ann task 4; "
    completes = [b for b in summary.reply.buttons if b.action_id == actions.COMPLETE]
    assert len(completes) == 2, "the buttons are the summary's own, whatever the words"


async def test_a_broken_summary_template_falls_back_to_the_built_in_words(core: Core) -> None:
    await core.repo.save_template("console:local", "summary", SUMMARY, core.clock.now())
    # Stored past the check (by hand, or an older version): it fails when rendered.
    await core.repo.save_template(
        "console:local", "summary", "{{ items[7].message }}", core.clock.now()
    )
    dispatcher = _limited(core, 1)
    await _add(core, 2)
    core.clock.set(DUE)
    assert await dispatcher.drain() == 2
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 1
    assert core.platform.delivered[-1].reply.text.startswith("You have 1 reminder:")


async def test_the_digest_is_worded_by_the_workspace_template(core: Core) -> None:
    await in_copenhagen(core)
    await core.handle(ANN, DM, "send me a digest every weekday at 8am")
    repo, now = core.repo, core.clock.now()
    await repo.add(mine(message="call Bo", next_due=local(2026, 11, 24, 9, 30)), now)
    await repo.add(mine(message="lunch", next_due=local(2026, 11, 24, 12, 0)), now)
    await repo.save_template("console:local", "digest", DIGEST, now)
    core.clock.set(local(2026, 11, 24, 8, 0))
    assert await core.dispatcher.drain() == 1
    [sent] = core.platform.delivered
    assert sent.reply.text == "Today (Tue 24 Nov): [call Bo][lunch]"
