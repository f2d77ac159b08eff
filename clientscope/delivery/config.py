"""subscriptions.yaml: scheduled reports, metric alerts, and how to reach people (SMTP, webhooks).

Validated like access.yaml and metrics.yaml: every problem is listed with its line, and nothing is sent from a
file with problems. References the file alone cannot check (pages, metrics, accounts, filter values) are
checked against the app by `check_references`. See docs/delivery.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from clientscope.semantic.config_file import load_checked

SUBSCRIPTIONS_ENV = "CLIENTSCOPE_SUBSCRIPTIONS"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Smtp(_Strict):
    """The mail server. Each key can be overridden by CLIENTSCOPE_SMTP_<KEY>; the password is read from
    CLIENTSCOPE_SMTP_PASSWORD only, never from a file."""

    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    username: str | None = None
    sender: str = "clientscope@localhost"
    timeout_s: float = Field(30, gt=0, le=600)

    def with_env(self) -> Smtp:
        values = self.model_dump()
        for key in ("host", "port", "tls", "username", "sender"):
            raw = os.environ.get(f"CLIENTSCOPE_SMTP_{key.upper()}")
            if raw:
                values[key] = raw
        try:
            return Smtp.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(f"CLIENTSCOPE_SMTP_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"the SMTP settings from the environment are not valid: {problems}") from exc

    @staticmethod
    def password() -> str | None:
        return os.environ.get("CLIENTSCOPE_SMTP_PASSWORD") or None


class Webhook(_Strict):
    """A webhook: `url` (or `url_env`, the environment variable holding it, for URLs with a key in them) and the
    body's format. DingTalk robots with signing need `secret_env`."""

    url: str | None = None
    url_env: str | None = None
    format: Literal["json", "wecom", "dingtalk"] = "json"
    secret_env: str | None = None

    @model_validator(mode="after")
    def _one_url(self) -> Webhook:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of 'url' and 'url_env'")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got '{self.url}'")
        return self

    def resolved_url(self) -> str | None:
        return self.url or os.environ.get(self.url_env or "") or None


class Recipient(_Strict):
    """Who gets it (`user`: an account, whose role and scope apply; or `bank_wide: true`, open mode only) and where
    (`email` or `webhook`)."""

    user: str | None = None
    bank_wide: bool = False
    email: str | None = None
    webhook: str | None = None

    @model_validator(mode="after")
    def _who_and_where(self) -> Recipient:
        if (self.user is None) == (not self.bank_wide):
            raise ValueError(
                "name the account whose scope applies ('user: NAME'), or say 'bank_wide: true' for the whole "
                "bank's view (open mode only); give exactly one"
            )
        if (self.email is None) == (self.webhook is None):
            raise ValueError("give exactly one of 'email' and 'webhook'")
        if self.email is not None and not _EMAIL.match(self.email):
            raise ValueError(f"'{self.email}' is not an e-mail address")
        return self

    @property
    def key(self) -> str:
        """Stable identity in the delivery log and the idempotency key."""
        who = self.user if self.user is not None else "*bank*"
        return f"{who}>{self.email or 'webhook:' + str(self.webhook)}"


class _Named(_Strict):
    name: str
    recipients: tuple[Recipient, ...]

    @field_validator("recipients")
    @classmethod
    def _someone(cls, value: tuple[Recipient, ...]) -> tuple[Recipient, ...]:
        # Not Field(min_length=1): pydantic would also report an empty list when one recipient is invalid.
        if not value:
            raise ValueError("list at least one recipient, e.g. '- {user: NAME, email: NAME@bank.cn}'")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"'{value}' is not a valid name: letters, digits, '_', '-' and '.', at most 80")
        return value


class Subscription(_Named):
    page: str
    filters: str = ""  # as in the page URL: "region=华东区&tier=private"
    lang: Literal["zh_CN", "en"] = "zh_CN"
    schedule: str  # cron, in the file's time zone
    format: tuple[Literal["xlsx", "png"], ...] = ("xlsx", "png")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError(
                f"'{value}' is not a cron schedule of 5 fields (minute hour day month weekday), "
                "e.g. '0 8 * * 1-5' for 08:00 on weekdays"
            )
        return value


Condition = Literal["above", "below", "rise_above", "fall_below", "below_metric", "above_metric"]


class Alert(_Named):
    """A condition on one metric for one scope (`filters`), checked on each new data version.

    above / below: the value against `threshold`; rise_above / fall_below: the change against the prior period,
    relative (0.2 = +20 %); below_metric / above_metric: the value against another metric (`other`) in the same
    period and scope (a campaign's conversion rate below its control group's)."""

    metric: str
    filters: str = ""
    period: Literal["month", "to_date"] = "month"  # the latest month, or everything up to it
    condition: Condition
    threshold: float | None = None
    other: str | None = None
    page: str  # the view that explains it, linked from the alert
    lang: Literal["zh_CN", "en"] = "zh_CN"

    @model_validator(mode="after")
    def _operands(self) -> Alert:
        compares_metric = self.condition in ("below_metric", "above_metric")
        if compares_metric and (self.other is None or self.threshold is not None):
            raise ValueError(f"condition '{self.condition}' needs 'other: METRIC' and no threshold")
        if not compares_metric and (self.threshold is None or self.other is not None):
            raise ValueError(f"condition '{self.condition}' needs 'threshold: NUMBER' and no 'other'")
        return self


class DeliveryConfig(_Strict):
    timezone: str = "Asia/Shanghai"
    base_url: str = "http://127.0.0.1:8050"  # links in messages point here
    smtp: Smtp = Smtp()
    webhooks: dict[str, Webhook] = {}
    subscriptions: tuple[Subscription, ...] = ()
    alerts: tuple[Alert, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}', e.g. Asia/Shanghai") from exc
        return value

    @model_validator(mode="after")
    def _references(self) -> DeliveryConfig:
        for kind, items in (("subscription", self.subscriptions), ("alert", self.alerts)):
            names = [item.name for item in items]
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{kind} names must be unique: {', '.join(repeated)} repeated")
            for item in items:
                for recipient in item.recipients:
                    if recipient.webhook is not None and recipient.webhook not in self.webhooks:
                        known = ", ".join(sorted(self.webhooks)) or "none defined"
                        raise ValueError(
                            f"{kind} '{item.name}': unknown webhook '{recipient.webhook}' (webhooks: {known})"
                        )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def subscription(self, name: str) -> Subscription | None:
        return next((s for s in self.subscriptions if s.name == name), None)


def subscriptions_file(cli_value: str | None = None) -> Path:
    """`--subscriptions`, else `CLIENTSCOPE_SUBSCRIPTIONS`, else ./subscriptions.yaml (beside access.yaml)."""
    if cli_value:
        return Path(cli_value)
    return Path(os.environ.get(SUBSCRIPTIONS_ENV) or Path.cwd() / "subscriptions.yaml")


def load_delivery(path: Path) -> DeliveryConfig:
    """Read and check subscriptions.yaml; raise `SemanticError` listing every problem with its line."""
    return load_checked(path, DeliveryConfig, start_hint="starting with 'timezone: Asia/Shanghai'")
