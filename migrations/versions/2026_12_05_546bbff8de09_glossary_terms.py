"""the instance glossary: terms kept as written or given a fixed translation per language

Revision ID: 546bbff8de09
Revises: 5f01ea4b9676
Create Date: 2026-12-05 12:15:18.370642

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '546bbff8de09'
down_revision = '5f01ea4b9676'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('case_sensitive', sa.Boolean(), nullable=False),
    sa.Column('renderings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms'))
    )


def downgrade():
    op.drop_table('glossary_terms')
