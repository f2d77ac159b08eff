"""The app store's tables (SQLAlchemy Core). Changing them needs a migration in `migrations/versions/`."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(120), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("regions", sa.Text, nullable=False, server_default=""),  # comma-separated codes
    sa.Column("branches", sa.Text, nullable=False, server_default=""),
    sa.Column("rm_id", sa.String(64), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(120), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.Text, nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON, never personal data values
    sa.Column("remote_addr", sa.String(64), nullable=False, server_default=""),
)

# Saved views (docs/explore.md): a page path and its URL query string, never the viewer's scope.  A name is unique
# per owner (saving it again replaces the view); `shared` views are listed to every user.
saved_views = sa.Table(
    "saved_views",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(120), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("path", sa.String(200), nullable=False),
    sa.Column("query", sa.Text, nullable=False, server_default=""),
    sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("owner", "name", name="saved_views_owner_name"),
)
