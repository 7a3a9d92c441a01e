"""Email as a delivery channel: ``EmailChannel`` sends a due reminder over SMTP, as a
plain-text and an HTML part, to the address the person set or their chat profile's."""

from bot.adapters.email.channel import EmailChannel, MessageLinks, SmtpConfig

__all__ = ["EmailChannel", "MessageLinks", "SmtpConfig"]
