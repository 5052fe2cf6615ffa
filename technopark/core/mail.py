"""E-mail leaves the request: messages are queued as background tasks and sent by the worker.

A slow or failing mail server then never slows down or breaks sign-up, password reset or any other
page; the worker retries nothing by itself, but a failed delivery is kept in the task results for
the operator to see. Enabled by EMAIL_IN_BACKGROUND (on in production, off in the local demo,
whose e-mails are printed to the terminal at once).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from email.mime.base import MIMEBase
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from technopark.core.tasks import deliver_email


def _serialise(message: EmailMessage) -> dict[str, Any]:
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("MIME attachments cannot be queued; attach (filename, content, mimetype) instead")
        filename, content, mimetype = attachment
        raw = content.encode("utf-8") if isinstance(content, str) else content
        attachments.append((filename, base64.b64encode(raw).decode("ascii"), mimetype))
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [(str(content), mimetype) for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


class TaskEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            deliver_email.enqueue(_serialise(message))
        return len(email_messages)
