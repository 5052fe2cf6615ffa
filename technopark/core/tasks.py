"""Background tasks of the core, run by the worker (`manage.py db_worker`)."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task


@task()
def deliver_email(message: dict[str, Any]) -> None:
    """Send one e-mail queued by `TaskEmailBackend` through the real delivery backend (EMAIL_URL)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
        connection=get_connection(settings.EMAIL_DELIVERY_BACKEND),
    )
    for content, mimetype in message["alternatives"]:
        email.attach_alternative(content, mimetype)
    for filename, content, mimetype in message["attachments"]:
        email.attach(filename, base64.b64decode(content), mimetype)
    email.send()
