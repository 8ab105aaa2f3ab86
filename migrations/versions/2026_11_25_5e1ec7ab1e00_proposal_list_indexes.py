"""partial indexes for the proposal lists' sorts, the pinned proposals and counting

Revision ID: 5e1ec7ab1e00
Revises: 38ff8138c919
Create Date: 2026-11-25 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1ec7ab1e00'
down_revision = '38ff8138c919'
branch_labels = None
depends_on = None

LISTED = 'hidden_at IS NULL AND pinned_at IS NULL'
INDEXES = {
    'ix_proposals_listed_created': (LISTED, ['created_at', 'id']),
    'ix_proposals_listed_support_count': (LISTED, ['support_count', 'id']),
    'ix_proposals_listed_comment_count': (LISTED, ['comment_count', 'id']),
    'ix_proposals_listed_last_activity_at': (LISTED, ['last_activity_at', 'id']),
    'ix_proposals_pinned': ('pinned_at IS NOT NULL', ['pinned_at']),
    'ix_proposals_visible_topic_state': ('hidden_at IS NULL', ['topic_id', 'state']),
}


def upgrade():
    for name, (where, columns) in INDEXES.items():
        op.create_index(name, 'proposals', columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='proposals')
