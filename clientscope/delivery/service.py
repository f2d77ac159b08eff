"""Planning, checking and sending: the one place that turns subscriptions and alerts into deliveries.

Order of work, so that a restart neither sends twice nor skips (docs/delivery.md):
1. `plan` records every scheduled run that came due since the last plan as one `due` row per recipient, and moves
   the subscription's `planned_until` forward, in one transaction.
2. `check_alerts` evaluates the alerts of a new data version and records a `due` row per new breach, with the
   breach state, in one transaction.
3. `work` renders and sends each `due` row, then marks it `sent`, `failed` (after the retries) or `refused`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from clientscope.access.audit import Action, record
from clientscope.access.viewer import Viewer
from clientscope.build import BuildResult, run_build
from clientscope.catalog import data_version
from clientscope.delivery import log as dlog
from clientscope.delivery.alerts import evaluate, load_state, save_state
from clientscope.delivery.compose import alert_message, alert_payload, report_message
from clientscope.delivery.config import DeliveryConfig, Recipient
from clientscope.delivery.mail import send_email
from clientscope.delivery.message import DeliveryError, Message, with_retries
from clientscope.delivery.recipients import Audience, RecipientRefused
from clientscope.delivery.render import render_report
from clientscope.delivery.schedule import runs_between
from clientscope.delivery.webhook import post
from clientscope.export import ExportError
from clientscope.semantic import SemanticModel
from clientscope.store import AppStore

log = logging.getLogger(__name__)
RETRY_DELAYS = (5.0, 30.0, 120.0)  # seconds between attempts: four attempts in about two and a half minutes


class DataUnavailable(RuntimeError):
    """The extracts cannot be built (invalid, or a currency without floors); the message lists why."""


@dataclass(frozen=True)
class Outcome:
    delivery: dlog.Due
    status: str
    attempts: int
    result: str


@dataclass
class Deliverer:
    config: DeliveryConfig
    store: AppStore
    audience: Audience
    data_dir: Path
    model: SemanticModel
    sleep: Callable[[float], None] = time.sleep
    retry_delays: tuple[float, ...] = RETRY_DELAYS
    after_render: Callable[[dlog.Due], None] | None = None  # a test's hook: raise here to simulate a crash
    _built: BuildResult | None = field(default=None, repr=False)

    # --- data --------------------------------------------------------------------------------------------------

    def built(self) -> BuildResult:
        """The build of the extracts' current version (cached files reused; rebuilt when the data changed)."""
        current = data_version(self.data_dir)
        if self._built is None or self._built.db is None or self._built.db.version != current:
            self._built = run_build(self.data_dir, self.model)
        if self._built.db is None:
            raise DataUnavailable("\n".join(self._built.problems) or "the extracts are not valid")
        return self._built

    # --- recording what is due --------------------------------------------------------------------------------

    def plan(self, now: datetime) -> int:
        """Record the scheduled runs due in (last plan, now]; a subscription seen for the first time starts now."""
        added = 0
        with self.store.begin() as con:
            for sub in self.config.subscriptions:
                until, paused = dlog.planned_until(con, sub.name)
                if until is not None and not paused:
                    for due_at in runs_between(sub.schedule, self.config.zone, until, now):
                        added += sum(dlog.record_due(con, "report", sub.name, due_at, r.key) for r in sub.recipients)
                # A paused subscription skips the runs of its pause on purpose: resuming does not send a backlog.
                dlog.set_planned_until(con, sub.name, now)
        return added

    def queue_now(self, name: str, now: datetime) -> int:
        """`clientscope send NAME`: one run now (to the minute, so that a repeated cron line sends once)."""
        sub = self.config.subscription(name)
        if sub is None:
            known = ", ".join(s.name for s in self.config.subscriptions) or "none"
            raise KeyError(f"no subscription '{name}' in the subscriptions file (defined: {known})")
        due_at = now.astimezone(UTC).replace(second=0, microsecond=0)
        with self.store.begin() as con:
            return sum(dlog.record_due(con, "report", sub.name, due_at, r.key) for r in sub.recipients)

    def check_alerts(self, now: datetime, *, force: bool = False) -> int:
        """Evaluate the alerts not yet checked at the current data version; record a due delivery per new breach."""
        if not self.config.alerts:
            return 0
        built = self.built()
        assert built.db is not None
        version = built.db.version
        added = 0
        for alert in self.config.alerts:
            for recipient in alert.recipients:
                with self.store.begin() as con:
                    state = load_state(con, alert.name, recipient.key)
                if state is not None and state.data_version == version and not force:
                    continue
                try:
                    viewer = self.audience.viewer(recipient)
                    result = evaluate(built.db, built.model, self.data_dir, alert, viewer)
                except RecipientRefused as exc:
                    log.warning("alert %s, %s: %s", alert.name, recipient.key, exc)
                    continue
                with self.store.begin() as con:
                    was = load_state(con, alert.name, recipient.key)
                    breached = was.breached if result.breached is None and was else bool(result.breached)
                    if result.breached and not (was and was.breached):
                        payload = alert_payload(alert, result, built.model, self.config.base_url)
                        # One delivery per breach: the key names the data version that found it.
                        added += dlog.record_due(con, "alert", alert.name, now, recipient.key, payload, stamp=version)
                    save_state(con, alert.name, recipient.key, breached, result.value, version, now)
        return added

    # --- sending ------------------------------------------------------------------------------------------------

    def work(self, now: datetime, *, name: str | None = None) -> list[Outcome]:
        """Render and send every due delivery (of `name` only, if given), oldest first."""
        return [
            self._deliver(due, now)
            for due in dlog.pending(self.store, now, name=name)
            if dlog.claim(self.store, due.id, now)
        ]

    def _recipient(self, due: dlog.Due) -> tuple[Recipient | None, str]:
        items = self.config.subscriptions if due.kind == "report" else self.config.alerts
        owner = next((item for item in items if item.name == due.name), None)
        if owner is None:
            return None, f"the {due.kind} '{due.name}' is no longer in the subscriptions file"
        found = next((r for r in owner.recipients if r.key == due.recipient), None)
        return found, "" if found else f"the recipient is no longer listed under '{due.name}'"

    def _deliver(self, due: dlog.Due, now: datetime) -> Outcome:
        recipient, why = self._recipient(due)
        viewer: Viewer | None = None
        try:
            if recipient is None:
                raise RecipientRefused(why)
            viewer = self.audience.viewer(recipient)
            message, facts = self._message(due, viewer, now)
        except RecipientRefused as exc:
            return self._finish(due, viewer, dlog.REFUSED, 0, str(exc), {})
        except DataUnavailable as exc:
            # Not the report's fault: it stays due (claimed for the lease) and goes once the extracts are valid again.
            log.error("%s %s to %s waits for valid extracts: %s", due.kind, due.name, due.recipient, exc)
            return Outcome(due, dlog.DUE, 0, f"waiting for valid extracts: {exc}")
        except ExportError as exc:
            return self._finish(due, viewer, dlog.FAILED, 0, f"cannot render: {exc}", {})
        if self.after_render is not None:
            self.after_render(due)
        assert recipient is not None
        attempts, error = with_retries(lambda: self._send(recipient, message), self.retry_delays, self.sleep)
        status = dlog.SENT if error is None else dlog.FAILED
        return self._finish(due, viewer, status, attempts, error or "ok", facts)

    def _message(self, due: dlog.Due, viewer: Viewer, now: datetime) -> tuple[Message, dict[str, object]]:
        key = due.key
        if due.kind == "alert":
            return alert_message(dict(due.payload), key), {}
        sub = self.config.subscription(due.name)
        assert sub is not None
        built = self.built()
        assert built.db is not None
        report = render_report(built.db, built.model, self.data_dir, sub, viewer, now.astimezone(self.config.zone))
        message = report_message(sub, report, viewer, due.due_at, self.config.zone, self.config.base_url, key)
        return message, {"rows": report.rows, "masked": report.masked, "filters": sub.filters}

    def _send(self, recipient: Recipient, message: Message) -> None:
        if recipient.email is not None:
            try:
                smtp = self.config.smtp.with_env()
            except ValueError as exc:
                raise DeliveryError(str(exc)) from exc
            send_email(smtp, message, recipient.email)
        else:
            post(self.config.webhooks[str(recipient.webhook)], message)

    def _finish(
        self, due: dlog.Due, viewer: Viewer | None, status: str, attempts: int, result: str, facts: dict[str, object]
    ) -> Outcome:
        dlog.finish(self.store, due.id, status, attempts, result)
        if status != dlog.SENT:
            log.warning("%s %s to %s: %s (%s)", due.kind, due.name, due.recipient, status, result)
        record(
            self.store,
            Action.DELIVER,
            username="delivery:" + (viewer.username if viewer else due.recipient.split(">", 1)[0]),
            role=viewer.role.value if viewer else "",
            target=f"{due.kind}:{due.name}",
            detail={"to": due.recipient, "due_at": due.due_at.isoformat(), "status": status, **facts},
        )
        return Outcome(due, status, attempts, result)
