"""search documents: one per item per language, with FTS5 (SQLite) or tsvector (PostgreSQL)

Revision ID: 10e553fe2729
Revises: c4a2b0a50002
Create Date: 2026-11-25 12:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '10e553fe2729'
down_revision = 'c4a2b0a50002'
branch_labels = None
depends_on = None

# Languages with a PostgreSQL text search configuration (stemming, stop words).
PG_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hu": "hungarian", "it": "italian", "lt": "lithuanian", "nl": "dutch",
    "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sv": "swedish", "tr": "turkish",
}


def upgrade():
    op.create_table(
        'search_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_type', sa.String(length=16), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('machine_translated', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
        sa.UniqueConstraint('item_type', 'item_id', 'language',
                            name=op.f('uq_search_documents_item_type_item_id_language')),
    )
    op.create_index('ix_search_documents_proposal', 'search_documents', ['proposal_id'])
    if op.get_bind().dialect.name == 'postgresql':
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _upgrade_sqlite():
    # An external-content FTS5 table: the text lives once, in search_documents.
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
               "content='search_documents', content_rowid='id', "
               "tokenize='unicode61 remove_diacritics 2')")
    op.execute("CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
               "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    op.execute("CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
               "INSERT INTO search_fts(search_fts, rowid, title, body) "
               "VALUES ('delete', old.id, old.title, old.body); END")
    op.execute("CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
               "INSERT INTO search_fts(search_fts, rowid, title, body) "
               "VALUES ('delete', old.id, old.title, old.body); "
               "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")


def _upgrade_postgresql():
    # unaccent is a trusted extension: the database owner may create it. It lets "velo"
    # find "vélo", as SQLite's remove_diacritics does.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    cases = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in PG_CONFIGS.items())
    op.execute(f"CREATE FUNCTION forum_search_config(language text) RETURNS regconfig "
               f"LANGUAGE sql IMMUTABLE AS $$ SELECT (CASE language {cases} "
               f"ELSE 'simple' END)::regconfig $$")
    op.execute("ALTER TABLE search_documents ADD COLUMN tsv tsvector")
    op.execute("CREATE FUNCTION forum_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN NEW.tsv := setweight(to_tsvector(forum_search_config(NEW.language), "
               "unaccent(NEW.title)), 'A') || "
               "to_tsvector(forum_search_config(NEW.language), unaccent(NEW.body)); "
               "RETURN NEW; END $$")
    op.execute("CREATE TRIGGER search_documents_tsv BEFORE INSERT OR UPDATE ON search_documents "
               "FOR EACH ROW EXECUTE FUNCTION forum_search_vector()")
    op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS search_documents_tsv ON search_documents")
        op.execute("DROP FUNCTION IF EXISTS forum_search_vector()")
        op.execute("DROP FUNCTION IF EXISTS forum_search_config(text)")
    else:
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index('ix_search_documents_proposal', table_name='search_documents')
    op.drop_table('search_documents')
