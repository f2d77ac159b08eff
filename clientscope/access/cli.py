"""The arguments of `clientscope users add|disable|reset|list` (argparse only: every command line imports it)."""

from __future__ import annotations

import argparse

from clientscope.access.roles import Role


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
