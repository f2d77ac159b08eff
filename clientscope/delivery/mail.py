"""E-mail over SMTP (TLS: none, STARTTLS or implicit SSL), with the workbook attached and the charts inline."""

from __future__ import annotations

import hashlib
import html
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from clientscope.delivery.config import Smtp
from clientscope.delivery.message import DeliveryError, Message


def build_email(message: Message, sender: str, to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(localtime=False)
    # One Message-ID per idempotency key: if a crash after the server accepted a mail makes us send it again,
    # mail clients thread (most hide) the copy.
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    mail["Message-ID"] = f"<{digest}@clientscope>"
    mail.set_content(message.text)
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in message.lines)
    link = f'<p><a href="{html.escape(message.link, quote=True)}">{html.escape(message.link_text)}</a></p>'
    image = '<p><img src="cid:charts" alt="charts" style="max-width:100%"></p>' if message.image else ""
    mail.add_alternative(f"<html><body>{paragraphs}{image}{link}</body></html>", subtype="html")
    if message.image:
        mail.get_payload()[1].add_related(message.image, maintype="image", subtype="png", cid="<charts>")
    for item in message.attachments:
        maintype, subtype = item.mime.split("/", 1)
        mail.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename)
    return mail


def send_email(smtp: Smtp, message: Message, to: str) -> None:
    """One attempt. Raises DeliveryError (the server refused) or OSError (it could not be reached)."""
    mail = build_email(message, smtp.sender, to)
    context = ssl.create_default_context()
    try:
        if smtp.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        with client:
            if smtp.tls == "starttls":
                client.starttls(context=context)
            password = Smtp.password()
            if smtp.username and password:
                client.login(smtp.username, password)
            client.send_message(mail)
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"the mail server {smtp.host}:{smtp.port} refused: {exc}") from exc
