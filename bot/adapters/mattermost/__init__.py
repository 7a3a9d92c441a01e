"""Mattermost: a thin client on httpx and websockets (REST API v4 and the event stream).

mattermostdriver as released is broken (shared/research/platform-notes.md section 1);
this client covers the few endpoints the bot needs and owns its reconnect policy.
"""
