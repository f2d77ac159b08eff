"""`clientscope users add|disable|reset|list`: built-in accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import sys

from pydantic import ValidationError

from clientscope.access import accounts
from clientscope.access.config import Grant
from clientscope.store import open_store
from clientscope.store.engine import StoreError

EXIT_OK, EXIT_PROBLEMS = 0, 1


def run(args: argparse.Namespace) -> int:
    try:
        store = open_store(args.store)
        return _COMMANDS[args.users_command](store, args)
    except (accounts.AccountError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise accounts.AccountError("the two passwords differ")
    return first


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _add(store, args: argparse.Namespace) -> int:
    try:
        grant = Grant(role=args.role, regions=_split(args.regions), branches=_split(args.branches), rm=args.rm)
    except ValidationError as exc:
        raise accounts.AccountError(exc.errors()[0]["ctx"]["error"]) from exc
    accounts.add_user(store, args.username, _password(args), grant)
    print(f"Added {args.username} ({args.role})")
    return EXIT_OK


def _disable(store, args: argparse.Namespace) -> int:
    accounts.disable_user(store, args.username)
    print(f"Disabled {args.username}")
    return EXIT_OK


def _reset(store, args: argparse.Namespace) -> int:
    accounts.reset_password(store, args.username, _password(args))
    print(f"New password set for {args.username}; the account is enabled")
    return EXIT_OK


def _list(store, args: argparse.Namespace) -> int:
    del args
    for user in accounts.list_users(store):
        scope = user["regions"] or user["branches"] or user["rm_id"] or "all"
        state = "disabled" if user["disabled"] else ("locked" if user["locked_until"] else "active")
        print(f"{user['username']}\t{user['role']}\t{scope}\t{state}")
    return EXIT_OK


_COMMANDS = {"add": _add, "disable": _disable, "reset": _reset, "list": _list}
