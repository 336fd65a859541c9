"""The read model: the generation switch and the first generation of tables.

Later revisions that change the table layout alter every generation listed in wirelog_meta; a rebuild creates
its fresh generation from services.store.tables, which always describes the layout at head.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from services.store.tables import generation_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "wirelog_meta",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("live_generation", sa.Integer, nullable=False),
        sa.Column("rebuild_generation", sa.Integer),
    )
    op.bulk_insert(meta, [{"id": 1, "live_generation": 1, "rebuild_generation": None}])
    for table in generation_tables(sa.MetaData(), 1).values():
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(list(generation_tables(sa.MetaData(), 1).values())):
        table.drop(op.get_bind(), checkfirst=True)
    op.drop_table("wirelog_meta")
