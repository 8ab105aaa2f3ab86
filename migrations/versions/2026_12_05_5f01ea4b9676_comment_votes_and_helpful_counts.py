"""comment votes ("helpful", one per person and comment) and each comment's helpful count

Revision ID: 5f01ea4b9676
Revises: 99ac4510d102
Create Date: 2026-12-05 11:55:01.817609

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5f01ea4b9676'
down_revision = '99ac4510d102'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_votes_comment_id_comments')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_comment_votes_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comment_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_votes')),
    sa.UniqueConstraint('comment_id', 'user_id', name=op.f('uq_comment_votes_comment_id_user_id'))
    )
    with op.batch_alter_table('comment_votes', schema=None) as batch_op:
        batch_op.create_index('ix_comment_votes_proposal_created', ['proposal_id', 'created_at', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_votes_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('comments', schema=None) as batch_op:
        # Existing comments have no votes yet: the default fills them in.
        batch_op.add_column(sa.Column('helpful_count', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('helpful_count')
    with op.batch_alter_table('comment_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_votes_user_id'))
        batch_op.drop_index('ix_comment_votes_proposal_created')

    op.drop_table('comment_votes')
