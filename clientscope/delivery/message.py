"""What is sent, independent of the channel: a subject, a text, a link, attachments and an inline image."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str  # "type/subtype"


@dataclass(frozen=True)
class Message:
    subject: str
    lines: tuple[str, ...]  # the body, one paragraph per line
    link: str
    link_text: str
    key: str  # the idempotency key: the mail's Message-ID, so that a mail client shows a duplicate once
    attachments: tuple[Attachment, ...] = ()
    image: bytes | None = None  # a PNG shown in the mail body
    data: Mapping[str, Any] = field(default_factory=dict)  # the facts, for the generic JSON webhook

    @property
    def text(self) -> str:
        return "\n".join((*self.lines, f"{self.link_text}: {self.link}"))


class DeliveryError(RuntimeError):
    """One attempt to deliver failed; the message says what the server answered."""


def with_retries(
    send: Callable[[], None], delays: tuple[float, ...], sleep: Callable[[float], None]
) -> tuple[int, str | None]:
    """Call `send` until it succeeds, waiting `delays` (back-off) between attempts: (attempts, last error)."""
    for attempts, wait in enumerate((*delays, None), start=1):
        try:
            send()
            return attempts, None
        except (DeliveryError, OSError) as exc:
            error = str(exc) or type(exc).__name__
            if wait is None:
                return attempts, error
            sleep(wait)
    raise AssertionError("unreachable")
