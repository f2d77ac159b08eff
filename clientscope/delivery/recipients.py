"""Whose eyes a delivery is for: a recipient's account gives the role, scope and masking of what they get —
never the sender's, and never more than they would see signed in."""

from __future__ import annotations

from dataclasses import dataclass

from clientscope.access import accounts
from clientscope.access.config import AccessConfig
from clientscope.access.roles import Role
from clientscope.access.viewer import Viewer
from clientscope.delivery.config import Recipient
from clientscope.store import AppStore

# The whole bank's view for a plain address, which the file must ask for explicitly (`bank_wide: true`).
BANK_WIDE = Viewer("bank-wide", Role.HEAD_OFFICE)


class RecipientRefused(Exception):
    """This recipient cannot be sent to; the message says why and how to fix it (it goes to the delivery log)."""


@dataclass(frozen=True)
class Audience:
    """How recipients are resolved: the access configuration (None: open mode) and the accounts' store."""

    access: AccessConfig | None
    store: AppStore

    def viewer(self, recipient: Recipient) -> Viewer:
        if recipient.bank_wide:
            if self.access is not None:
                raise RecipientRefused(
                    "bank_wide recipients are for open mode only; with sign-in configured name the account "
                    "whose scope applies ('user: NAME')"
                )
            return BANK_WIDE
        username = str(recipient.user)
        if self.access is not None and self.access.sign_in == "header":
            grant = self.access.users.get(username)
            if grant is None:
                raise RecipientRefused(
                    f"user '{username}' has no grant under 'users:' in the access file; the gateway's groups are "
                    "not known outside a request, so a recipient needs a per-user grant"
                )
            return grant.viewer(username)
        viewer = accounts.load_viewer(self.store, username)
        if viewer is None:
            raise RecipientRefused(f"there is no enabled account '{username}'; `clientscope users list` shows them")
        return viewer
