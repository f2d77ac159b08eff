"""Webhooks: a generic JSON body, or the message formats of WeCom (企业微信) and DingTalk (钉钉) group robots.

Robots answer HTTP 200 with {"errcode": 0} on success and a non-zero errcode (with errmsg) otherwise, which counts
as a failed attempt. Robots take no attachments: they get the text and the link to the view.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from clientscope.delivery.config import Webhook
from clientscope.delivery.message import DeliveryError, Message

TIMEOUT_S = 15


def body(webhook: Webhook, message: Message) -> dict[str, Any]:
    if webhook.format == "wecom":
        markdown = "\n".join((f"**{message.subject}**", *message.lines, f"[{message.link_text}]({message.link})"))
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    if webhook.format == "dingtalk":
        markdown = "\n\n".join((f"### {message.subject}", *message.lines, f"[{message.link_text}]({message.link})"))
        return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": markdown}}
    return {
        "subject": message.subject,
        "text": message.text,
        "link": message.link,
        "idempotency_key": message.key,
        **message.data,
    }


def signed_url(url: str, secret: str, now_ms: int) -> str:
    """DingTalk's signature for robots with "加签": timestamp and HMAC-SHA256 of "timestamp\\nsecret"."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"


def post(webhook: Webhook, message: Message) -> None:
    """One attempt. Raises DeliveryError (refused or unreachable)."""
    url = webhook.resolved_url()
    if url is None:
        raise DeliveryError(f"the environment variable {webhook.url_env} holding the webhook's URL is not set")
    secret = os.environ.get(webhook.secret_env) if webhook.secret_env else None
    if webhook.format == "dingtalk" and secret:
        url = signed_url(url, secret, int(time.time() * 1000))
    data = json.dumps(body(webhook, message), ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer = response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the webhook answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"the webhook could not be reached: {getattr(exc, 'reason', exc)}") from exc
    if webhook.format in ("wecom", "dingtalk"):
        try:
            code = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            code = 0
        if code:
            raise DeliveryError(f"the robot refused the message: {answer.decode(errors='replace')[:300]}")
