"""intervals on observations; the consolidated series, one row per point

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:00:00

Each observation carries the interval its words prove (app.intervals), and its prior-year value's;
`series_point` holds each port's series of each metric as the seed consolidated it (app.series),
keyed in list order so that a page is one index range.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INTERVAL_COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "value_low": sa.Float(),
    "value_high": sa.Float(),
    "low_inclusive": sa.Boolean(),
    "high_inclusive": sa.Boolean(),
    "prior_year_low": sa.Float(),
    "prior_year_high": sa.Float(),
    "prior_year_low_inclusive": sa.Boolean(),
    "prior_year_high_inclusive": sa.Boolean(),
}


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch_op:
        for name, type_ in INTERVAL_COLUMNS.items():
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.create_index("ix_observation_count_metric_port", "observation_count", ["metric_id", "port_id"], unique=False)
    op.create_table(
        "series_point",
        sa.Column("port_id", AutoString(), nullable=False),
        sa.Column("metric_id", AutoString(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("start_key", AutoString(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("value_low", sa.Float(), nullable=False),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("low_inclusive", sa.Boolean(), nullable=False),
        sa.Column("high_inclusive", sa.Boolean(), nullable=True),
        sa.Column("observations", AutoString(), nullable=False),
        sa.Column("how", AutoString(), nullable=False),
        sa.Column("overrides", AutoString(), nullable=True),
        sa.Column("resolution", AutoString(), nullable=True),
        sa.Column("warning", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"]),
        sa.ForeignKeyConstraint(["port_id"], ["port.id"]),
        sa.PrimaryKeyConstraint("port_id", "metric_id", "period_end", "start_key"),
    )


def downgrade() -> None:
    op.drop_table("series_point")
    op.drop_index("ix_observation_count_metric_port", table_name="observation_count")
    with op.batch_alter_table("observation") as batch_op:
        for name in reversed(INTERVAL_COLUMNS):
            batch_op.drop_column(name)
