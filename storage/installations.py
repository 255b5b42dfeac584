"""The tables of Slack installations and OAuth states (multi-workspace installs).

slack_sdk's SQLAlchemy installation and state stores read and write them; Alembic creates
them (migration 0016), never the stores' ``create_tables``. Their definitions are the
stores' own (slack_sdk 3.48, ``build_bots_table``, ``build_installations_table``,
``build_oauth_states_table``), copied column for column because storage knows nothing of
Slack's libraries; tests/integration/test_migration_0016.py fails if they drift apart. Their
own metadata, without the models' naming convention, as the stores build it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Boolean, Column, DateTime, Engine, Index, Integer, MetaData, String, Table

metadata = MetaData()

slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=sa.func.now()),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=sa.func.now()),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


def installed_teams(engine: Engine, client_id: str) -> list[tuple[str | None, str]]:
    """Every workspace the app has a bot token for, as (Enterprise Grid org id or None,
    team id), ordered by team id. An org-wide install (no team id) is not listed."""
    bots = slack_bots.c
    query = (
        sa.select(bots.enterprise_id, bots.team_id)
        .where(bots.client_id == client_id, bots.team_id.is_not(None), bots.bot_token.is_not(None))
        .distinct()
        .order_by(bots.team_id, bots.enterprise_id)
    )
    with engine.connect() as connection:
        return [(enterprise, str(team)) for enterprise, team in connection.execute(query)]
