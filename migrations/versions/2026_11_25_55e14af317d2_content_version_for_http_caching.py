"""content version for HTTP caching

Revision ID: 55e14af317d2
Revises: 10e553fe2729
Create Date: 2026-11-25 11:59:39.136348

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '55e14af317d2'
down_revision = '10e553fe2729'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade():
    op.drop_table('content_versions')
