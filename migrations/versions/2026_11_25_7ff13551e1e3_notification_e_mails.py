"""notification e-mails

Revision ID: 7ff13551e1e3
Revises: 55e14af317d2
Create Date: 2026-11-25 12:20:15.539501

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7ff13551e1e3'
down_revision = '55e14af317d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('emailed_at')
