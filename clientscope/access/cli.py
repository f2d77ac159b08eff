"""`clientscope users add|disable|reset|list`: built-in accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import sys

from pydantic import ValidationError

from clientscope.access import accounts
from clientscope.access.config import Grant
from clientscope.access.roles import Role
from clientscope.store import open_store
from clientscope.store.engine import StoreError

EXIT_OK, EXIT_PROBLEMS = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--regions", default="", help="comma-separated regions (region_manager)")
    add.add_argument("--branches", default="", help="comma-separated branch ids (branch_manager)")
    add.add_argument("--rm", help="the relationship manager's rm_id (relationship_manager)")
    _password_arguments(add)
    disable = sub.add_parser("disable", help="stop an account from signing in (its audit history stays)")
    disable.add_argument("username")
    reset = sub.add_parser("reset", help="set a new password; also enables the account and lifts a lock-out")
    reset.add_argument("username")
    _password_arguments(reset)
    sub.add_parser("list", help="the accounts, without their password hashes")
    parser.add_argument(
        "--store", help="app store URL (default: $CLIENTSCOPE_STORE_URL, else SQLite in the state folder)"
    )


def _password_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


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
