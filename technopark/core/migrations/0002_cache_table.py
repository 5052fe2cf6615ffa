"""Create the database cache table (the default cache) as part of `migrate`.

Login rate limits live in the cache, so an installation without the table would fail at the first
sign-in; making it a migration means operators cannot forget `createcachetable`. It does nothing
when the cache is Redis or in memory.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
