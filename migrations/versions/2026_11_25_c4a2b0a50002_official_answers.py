"""official answers and milestones

Revision ID: c4a2b0a50002
Revises: b3d1c0de0001
Create Date: 2026-11-25 12:00:01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a2b0a50002'
down_revision = 'b3d1c0de0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
