"""official answers and milestones

Revision ID: c4a2b0a50002
Revises: b3d1c0de0001
Create Date: 2026-11-25 12:00:01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4a2b0a50002'
down_revision = 'b3d1c0de0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('official_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_official_answers_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_official_answers_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_answers'))
    )
    with op.batch_alter_table('official_answers', schema=None) as batch_op:
        batch_op.create_index('ix_official_answers_proposal_created', ['proposal_id', 'created_at'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_milestones_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_proposal_due', ['proposal_id', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_proposal_due')

    op.drop_table('milestones')
    with op.batch_alter_table('official_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_official_answers_proposal_created')

    op.drop_table('official_answers')
