"""Sign-out ends the session on the server: a counter per account that every session carries.

Session cookies are signed, not stored, so a cookie sent out before a sign-out (a response still in flight, or a
copy) would otherwise sign the user in again. A session names the counter it was opened under; signing out,
a password reset and disabling the account move the counter on, and older sessions are refused.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
