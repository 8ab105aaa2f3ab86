"""proposals can be erased by their author (account deletion): a deleted_at tombstone

Revision ID: 38ff8138c919
Revises: 7ff13551e1e3
Create Date: 2026-11-25 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '38ff8138c919'
down_revision = '7ff13551e1e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
