"""On PostgreSQL, trigram indexes for the composer's search (name, tags and bodies contain the
typed words: `UPPER(column) LIKE '%WORD%'`). Other databases search without them.

pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it; where
that is not allowed the indexes are skipped and search still works, only slower.
"""

from django.db import DatabaseError, migrations, transaction

COLUMNS = {"name": "::text", "name_zh_hans": "::text", "tags": "::text", "body_en": "",
           "body_zh_hans": ""}
TABLE = "replies_replytemplate"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    for column, cast in COLUMNS.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS replytemplate_trgm_{column} ON {TABLE} '
            f'USING gin ((UPPER("{column}"{cast})) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS replytemplate_trgm_{column}")


class Migration(migrations.Migration):
    dependencies = [("replies", "0002_seed_templates")]
    operations = [migrations.RunPython(create, drop)]
