"""translation jobs remember their items' language

Workers claim jobs one language pair at a time, so that each keeps only a few Apertium
pipelines (or Argos models) running. Existing jobs get their item's current language.

Revision ID: 47cbdab6c743
Revises: 012a183bff64
Create Date: 2026-12-04 19:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '47cbdab6c743'
down_revision = '012a183bff64'
branch_labels = None
depends_on = None

# The tables of the kinds of text that are translated, as they are at this revision.
TABLES = {"proposal": "proposals", "comment": "comments", "topic": "topics",
          "answer": "official_answers", "milestone": "milestones",
          "moderation": "moderation_actions", "appeal": "appeals"}


def upgrade():
    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_language', sa.String(length=8), nullable=True))
    for kind, table in TABLES.items():
        op.execute(sa.text(
            f"UPDATE translation_jobs SET source_language = "
            f"(SELECT {table}.language FROM {table} WHERE {table}.id = translation_jobs.item_id) "
            f"WHERE item_type = :kind").bindparams(kind=kind))


def downgrade():
    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.drop_column('source_language')
