"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 22:46:14.964762

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "metric",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("unit", AutoString(), nullable=False),
        sa.Column("description", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "port",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "source",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("publisher", AutoString(), nullable=False),
        sa.Column("dateline", AutoString(), nullable=False),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("headline", AutoString(), nullable=False),
        sa.Column("url", AutoString(), nullable=False),
        sa.Column("language", AutoString(), nullable=False),
        sa.Column("text", AutoString(), nullable=False),
        sa.Column("sha256", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "observation",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("port_id", AutoString(), nullable=False),
        sa.Column("metric_id", AutoString(), nullable=False),
        sa.Column("source_id", AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("qualifier", AutoString(), nullable=False),
        sa.Column("unit", AutoString(), nullable=False),
        sa.Column("value_text", AutoString(), nullable=False),
        sa.Column("unit_text", AutoString(), nullable=False),
        sa.Column("scope", AutoString(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_text", AutoString(), nullable=True),
        sa.Column("yoy_change_pct", sa.Float(), nullable=True),
        sa.Column("yoy_qualifier", AutoString(), nullable=True),
        sa.Column("yoy_text", AutoString(), nullable=True),
        sa.Column("quote", AutoString(), nullable=False),
        sa.Column("quote_start", sa.Integer(), nullable=False),
        sa.Column("quote_end", sa.Integer(), nullable=False),
        sa.Column("note", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["metric.id"],
        ),
        sa.ForeignKeyConstraint(
            ["port_id"],
            ["port.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_metric_id"), ["metric_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_port_id"), ["port_id"], unique=False)

    op.create_table(
        "port_name",
        sa.Column("port_id", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("language", AutoString(), nullable=False),
        sa.Column("source_url", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["port_id"],
            ["port.id"],
        ),
        sa.PrimaryKeyConstraint("port_id", "name"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("port_name")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_port_id"))
        batch_op.drop_index(batch_op.f("ix_observation_metric_id"))

    op.drop_table("observation")
    op.drop_table("source")
    op.drop_table("port")
    op.drop_table("metric")
