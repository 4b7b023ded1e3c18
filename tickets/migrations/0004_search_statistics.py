"""Finer statistics for the search column on PostgreSQL.

With the default statistics target, every word outside the few hundred most common ones is
estimated at 0.5% of all tickets, so a search for a rare word (an order number, a name) is
planned as a walk down the inbox order that reads the whole table. Two thousand most-common
lexemes give rare words a realistic estimate, and the planner uses the GIN index for them.
"""

from django.db import migrations


def raise_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE tickets_ticket ALTER COLUMN search_vector SET STATISTICS 2000")


def reset_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE tickets_ticket ALTER COLUMN search_vector SET STATISTICS -1")


class Migration(migrations.Migration):

    dependencies = [("tickets", "0003_seed_canned_replies")]

    operations = [migrations.RunPython(raise_statistics, reset_statistics)]
