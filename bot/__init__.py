"""remindbot: natural-language reminders for Slack and Mattermost."""
