"""remindbot: natural-language reminders for Slack and Mattermost."""

import sys

# httpx imports its command line (``httpx._main``: click, rich, Pygments) whenever those
# are installed, as they are beside the development tools: 2.5 MiB of every process that
# uses httpx, for a command remindbot never runs. ``None`` in its place makes the import
# fail as it does where they are not installed (the image), and httpx goes on without it
# (``httpx.main`` then says to install httpx[cli]). docs/benchmarks.md, Start-up and memory.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
