"""`clientscope schedule run|check`, `clientscope send NAME`, `clientscope alerts check` (docs/delivery.md)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # every command line builds these parsers: the config models load when a command runs
    from clientscope.delivery.config import DeliveryConfig
    from clientscope.semantic import SemanticModel

log = logging.getLogger(__name__)
EXIT_OK, EXIT_PROBLEMS = 0, 1


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--subscriptions", help="subscriptions file (default: $CLIENTSCOPE_SUBSCRIPTIONS, else ./subscriptions.yaml)"
    )
    parser.add_argument("--data", help="data folder (default: $CLIENTSCOPE_DATA, else the demo data)")
    parser.add_argument("--metrics", help="metrics file (default: $CLIENTSCOPE_METRICS, else ./metrics.yaml)")
    parser.add_argument(
        "--access", help="access file (default: $CLIENTSCOPE_ACCESS, else ./access.yaml; none: open mode)"
    )


def reference_problems(config: DeliveryConfig, model: SemanticModel) -> list[str]:
    """What the file names that the app does not have: pages without a workbook, unknown metrics."""
    from clientscope.reports import report_pages

    pages = report_pages()
    problems = [
        f"subscription '{s.name}': page '{s.page}' has no workbook; choose one of: {', '.join(pages)}"
        for s in config.subscriptions
        if s.page not in pages
    ]
    for alert in config.alerts:
        for metric in filter(None, (alert.metric, alert.other)):
            if metric not in model.metrics:
                problems.append(f"alert '{alert.name}': unknown metric '{metric}' (see `clientscope metrics`)")
        if alert.page not in pages:
            problems.append(f"alert '{alert.name}': unknown page '{alert.page}'; choose one of: {', '.join(pages)}")
    return problems


def _load(args: argparse.Namespace):
    """(config, model, deliverer) or None after printing why."""
    from clientscope import settings
    from clientscope.delivery.config import load_delivery, subscriptions_file
    from clientscope.delivery.recipients import Audience
    from clientscope.delivery.service import Deliverer
    from clientscope.semantic import SemanticError, format_problems
    from clientscope.startup import StartupRefused, load_access_setup, load_model

    path = subscriptions_file(args.subscriptions)
    try:
        config = load_delivery(path)
        model = load_model(args.metrics)
        access = load_access_setup(args.access)
    except SemanticError as exc:
        print(format_problems(exc.problems), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {path}; nothing was sent", file=sys.stderr)
        return None
    except StartupRefused:
        return None
    problems = reference_problems(config, model)
    if problems:
        print("\n".join(f"{path}: {p}" for p in problems), file=sys.stderr)
        return None
    data_dir, _ = settings.resolve_data_dir(args.data)
    deliverer = Deliverer(config, access.store, Audience(access.config, access.store), data_dir, model)
    return path, deliverer


def _report(outcomes) -> int:
    for o in outcomes:
        what = f"{o.delivery.kind} {o.delivery.name} → {o.delivery.recipient}"
        print(f"{what}: {o.status} ({o.attempts} attempt(s)) {o.result}")
    return EXIT_OK if all(o.status == "sent" for o in outcomes) else EXIT_PROBLEMS


def cmd_schedule(args: argparse.Namespace) -> int:
    from clientscope.delivery.scheduler import SystemClock, run, tick

    loaded = _load(args)
    if loaded is None:
        return EXIT_PROBLEMS
    path, deliverer = loaded
    if args.schedule_command == "check":
        print(
            f"{path}: OK ({len(deliverer.config.subscriptions)} subscriptions, {len(deliverer.config.alerts)} alerts)"
        )
        return EXIT_OK
    if args.once:
        tick(deliverer, datetime.now(UTC), None)
        return EXIT_OK
    clock = SystemClock()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: clock.stop())
    config = deliverer.config
    log.info("scheduler started: %s, %d subscriptions, %d alerts", path, len(config.subscriptions), len(config.alerts))
    run(deliverer, clock, stop=lambda: clock.stopped)
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    loaded = _load(args)
    if loaded is None:
        return EXIT_PROBLEMS
    _, deliverer = loaded
    now = datetime.now(UTC)
    try:
        deliverer.queue_now(args.name, now)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return EXIT_PROBLEMS
    return _report(deliverer.work(now, name=args.name))


def cmd_alerts(args: argparse.Namespace) -> int:
    from clientscope.delivery.service import DataUnavailable

    loaded = _load(args)
    if loaded is None:
        return EXIT_PROBLEMS
    _, deliverer = loaded
    now = datetime.now(UTC)
    try:
        found = deliverer.check_alerts(now, force=args.force)
    except DataUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{found} new breach(es)")
    outcomes = [o for o in deliverer.work(now) if o.delivery.kind == "alert"]
    return _report(outcomes)


def add_parsers(sub) -> None:  # argparse's private _SubParsersAction
    schedule = sub.add_parser("schedule", help="scheduled reports and alerts: run the scheduler, or check the file")
    schedule_sub = schedule.add_subparsers(dest="schedule_command", required=True)
    srun = schedule_sub.add_parser("run", help="the long-running scheduler (sends what is due, checks alerts)")
    add_common(srun)
    srun.add_argument("--once", action="store_true", help="one round and exit (for cron every minute)")
    srun.set_defaults(func=cmd_schedule)
    scheck = schedule_sub.add_parser("check", help="check subscriptions.yaml; exit 1 with file:line messages")
    add_common(scheck)
    scheck.set_defaults(func=cmd_schedule)

    send = sub.add_parser("send", help="send a subscription's report now, to each recipient in their own scope")
    send.add_argument("name")
    add_common(send)
    send.set_defaults(func=cmd_send)

    alerts = sub.add_parser("alerts", help="metric alerts")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", required=True)
    acheck = alerts_sub.add_parser("check", help="check the alerts on the current data version and send breaches")
    add_common(acheck)
    acheck.add_argument("--force", action="store_true", help="check again even if this data version was checked")
    acheck.set_defaults(func=cmd_alerts)
