"""The roles a viewer can have, and what each may see. Fixed in code (a bank's auditors review this list);
access.yaml only says who has which role and with which attributes (regions, branches, RM id)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    HEAD_OFFICE = "head_office"
    REGION_MANAGER = "region_manager"
    BRANCH_MANAGER = "branch_manager"
    RELATIONSHIP_MANAGER = "relationship_manager"
    MARKETING = "marketing"
    AUDITOR = "auditor"


ScopeKind = Literal["all", "regions", "branches", "rm", "none"]
ALL_PAGES = "*"


@dataclass(frozen=True)
class Policy:
    scope: ScopeKind  # which rows: every customer, the viewer's regions, branches, own book, or none
    personal_data: bool  # names, phone and ID numbers in clear
    pages: tuple[str, ...]  # page paths ("/customers" covers /customers/<id>), or ALL_PAGES for every data page
    manage_subscriptions: bool = False  # open /subscriptions: pause, resume and send scheduled reports (delivery.md)


POLICIES: dict[Role, Policy] = {
    Role.HEAD_OFFICE: Policy("all", personal_data=True, pages=(ALL_PAGES,), manage_subscriptions=True),
    Role.REGION_MANAGER: Policy("regions", personal_data=True, pages=(ALL_PAGES,)),
    Role.BRANCH_MANAGER: Policy("branches", personal_data=True, pages=(ALL_PAGES,)),
    Role.RELATIONSHIP_MANAGER: Policy("rm", personal_data=True, pages=(ALL_PAGES,)),
    Role.MARKETING: Policy(
        "all", personal_data=False, pages=("/", "/campaigns", "/metrics", "/views"), manage_subscriptions=True
    ),
    # Auditors read the audit log (and the metric definitions), never the bank's customer data.
    Role.AUDITOR: Policy("none", personal_data=False, pages=("/audit", "/metrics")),
}

# The attribute each scope kind needs: a region manager without regions would see nothing, which is
# reported when the account is created rather than discovered by the user.
REQUIRED_ATTRIBUTE: dict[ScopeKind, str] = {"regions": "regions", "branches": "branches", "rm": "rm"}


def policy(role: Role) -> Policy:
    return POLICIES[role]
