"""moderation: reports, actions (audit log), appeals

Revision ID: b3d1c0de0001
Revises: 0a71e3f1703a
Create Date: 2026-11-25 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d1c0de0001'
down_revision = '0a71e3f1703a'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
