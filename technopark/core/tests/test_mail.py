from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMultiAlternatives


def test_background_email_is_delivered_by_the_task_with_alternatives_and_attachments(settings):
    settings.EMAIL_BACKEND = "technopark.core.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = EmailMultiAlternatives("Тема", "Текст", "centre@example.test", ["parent@example.test"])
    message.attach_alternative("<p>Текст</p>", "text/html")
    message.attach("list.csv", "ФИО;класс\n", "text/csv")
    assert message.send() == 1
    [delivered] = mail.outbox
    assert delivered.subject == "Тема"
    assert delivered.to == ["parent@example.test"]
    assert delivered.alternatives[0].content == "<p>Текст</p>"
    assert delivered.attachments[0].filename == "list.csv"
    assert delivered.attachments[0].content == "ФИО;класс\n"
