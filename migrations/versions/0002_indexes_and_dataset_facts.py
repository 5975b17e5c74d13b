"""indexes for every list and filter; prior-year values, port keys, counts, the bulk CSV and the dataset's version stored at seed time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 03:00:00

The server reads these instead of loading the data at start, so that start-up, memory and every
answer cost the same whatever the number of observations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBSERVATION_INDEXES = {
    "ix_observation_period": ["period_end", "id", "period_start"],
    "ix_observation_port": ["port_id", "period_end", "id", "period_start"],
    "ix_observation_metric": ["metric_id", "period_end", "id", "period_start"],
    "ix_observation_port_metric": ["port_id", "metric_id", "period_end", "id", "period_start"],
    "ix_observation_open_period": ["period_start", "period_end", "id"],
    "ix_observation_open_metric": ["metric_id", "period_start", "period_end", "id"],
    "ix_observation_source": ["source_id", "quote_start", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch_op:
        batch_op.drop_index("ix_observation_metric_id")
        batch_op.drop_index("ix_observation_port_id")
        batch_op.add_column(sa.Column("prior_year_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("prior_year_qualifier", AutoString(), nullable=True))
        for name, columns in OBSERVATION_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.create_table(
        "port_key",
        sa.Column("key", AutoString(), nullable=False),
        sa.Column("port_id", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["port_id"], ["port.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_port_key_port_id", "port_key", ["port_id"], unique=False)
    op.create_table(
        "observation_count",
        sa.Column("port_id", AutoString(), nullable=False),
        sa.Column("metric_id", AutoString(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"]),
        sa.ForeignKeyConstraint(["port_id"], ["port.id"]),
        sa.PrimaryKeyConstraint("port_id", "metric_id"),
    )
    op.create_index("ix_observation_count_metric_id", "observation_count", ["metric_id"], unique=False)
    op.create_table(
        "observations_csv",
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("csv", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("part"),
    )
    op.create_table(
        "dataset",
        sa.Column("version", AutoString(), nullable=False),
        sa.Column("ports", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.Integer(), nullable=False),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("longest_period_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )


def downgrade() -> None:
    op.drop_table("dataset")
    op.drop_table("observations_csv")
    op.drop_index("ix_observation_count_metric_id", table_name="observation_count")
    op.drop_table("observation_count")
    op.drop_index("ix_port_key_port_id", table_name="port_key")
    op.drop_table("port_key")
    with op.batch_alter_table("observation") as batch_op:
        for name in reversed(OBSERVATION_INDEXES):
            batch_op.drop_index(name)
        batch_op.create_index("ix_observation_port_id", ["port_id"], unique=False)
        batch_op.create_index("ix_observation_metric_id", ["metric_id"], unique=False)
        batch_op.drop_column("prior_year_qualifier")
        batch_op.drop_column("prior_year_value")
