"""access.yaml: how viewers sign in and which role each gets, validated like metrics.yaml (file:line messages).

Without an access file the app runs in open mode: no sign-in, everyone is head office, and only this machine
(loopback) is answered — the one-command demo. See docs/access.md.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clientscope.access.roles import REQUIRED_ATTRIBUTE, Role, policy
from clientscope.access.viewer import Viewer
from clientscope.semantic.config_file import load_checked


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lockout(_Strict):
    attempts: int = Field(5, ge=1, le=100)
    minutes: int = Field(15, ge=1, le=24 * 60)


class HeaderSignIn(_Strict):
    user: str = "X-Remote-User"
    groups: str = "X-Remote-Groups"
    separator: str = ","
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"'{item}' is not an IP address or network, e.g. 10.0.0.5 or 10.0.0.0/24") from exc
        return value


class Grant(_Strict):
    """A role with the attributes its scope needs (regions for a region manager, ...)."""

    role: Role
    regions: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    rm: str | None = None

    def viewer(self, username: str) -> Viewer:
        return Viewer(username, self.role, frozenset(self.regions), frozenset(self.branches), self.rm)

    @model_validator(mode="after")
    def _attribute_present(self) -> Grant:
        attribute = REQUIRED_ATTRIBUTE.get(policy(self.role).scope)
        if attribute and not getattr(self, attribute):
            raise ValueError(f"role {self.role} needs '{attribute}' (the {attribute} this viewer may see)")
        return self


class AccessConfig(_Strict):
    sign_in: Literal["accounts", "header"]
    session_minutes: int = Field(30, ge=1, le=24 * 60)
    lockout: Lockout = Lockout()
    header: HeaderSignIn = HeaderSignIn()
    groups: dict[str, Grant] = {}  # header sign-in: the gateway's group → role and attributes
    users: dict[str, Grant] = {}  # header sign-in: one user's grant, which wins over their groups

    def trusts(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.header.trusted_proxies)


def load_access(path: Path) -> AccessConfig:
    """Read and check access.yaml; raise `SemanticError` listing every problem with its line."""
    return load_checked(path, AccessConfig, start_hint="starting with 'sign_in: accounts'", allow_empty=False)
