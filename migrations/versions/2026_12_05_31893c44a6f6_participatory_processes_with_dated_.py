"""participatory processes with dated phases

Revision ID: 31893c44a6f6
Revises: 666df323fc1c
Create Date: 2026-12-05 11:14:44.074312

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# The forum as it was becomes one process with no phases (always open), holding every
# topic, so that every address and every rule stays as it was. Its title stays empty:
# pages name it in the reader's language until an admin gives it one.
DEFAULT_SLUG = "ongoing"


# revision identifiers, used by Alembic.
revision = '31893c44a6f6'
down_revision = '666df323fc1c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('processes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description_source', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processes')),
    sa.UniqueConstraint('slug', name=op.f('uq_processes_slug'))
    )
    op.create_table('process_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('proposals', sa.Boolean(), nullable=False),
    sa.Column('comments', sa.Boolean(), nullable=False),
    sa.Column('supports', sa.Boolean(), nullable=False),
    sa.Column('answers', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['processes.id'], name=op.f('fk_process_phases_process_id_processes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_phases'))
    )
    with op.batch_alter_table('process_phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_phases_process_id'), ['process_id'], unique=False)

    processes = sa.table("processes", sa.column("id"), sa.column("slug"), sa.column("title"),
                         sa.column("description_source"), sa.column("description_html"),
                         sa.column("language"), sa.column("position"),
                         sa.column("created_at"))
    op.bulk_insert(processes, [dict(id=1, slug=DEFAULT_SLUG, title="", description_source="",
                                    description_html="", language="en", position=0,
                                    created_at=datetime.now(UTC).replace(tzinfo=None))])
    if op.get_bind().dialect.name == "postgresql":  # the next process must not reuse id 1
        op.execute("SELECT setval('processes_id_seq', 1)")
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('process_id', sa.Integer(), nullable=True))
    op.execute("UPDATE topics SET process_id = 1")
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.alter_column('process_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_topics_process_id'), ['process_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_topics_process_id_processes'), 'processes', ['process_id'], ['id'])



def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_topics_process_id_processes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_topics_process_id'))
        batch_op.drop_column('process_id')

    with op.batch_alter_table('process_phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_phases_process_id'))

    op.drop_table('process_phases')
    op.drop_table('processes')
