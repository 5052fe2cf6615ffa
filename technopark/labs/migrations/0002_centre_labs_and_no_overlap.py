"""The centre's four labs (from its own description), and on PostgreSQL the exclusion constraint that
makes an overlap of one unit's held spans impossible (DOMAIN.md rule 2; SQLite relies on the services'
serialised transactions, see `labs.services`)."""

from django.db import migrations

LABS = [
    ("computer_centre", "Компьютерный центр", "Камп'ютарны цэнтр", "Computer centre"),
    ("creative_lab", "Креативная лаборатория", "Крэатыўная лабараторыя", "Creative laboratory"),
    ("fablab", "Лаборатория инновационных технологий (ФабЛаб)", "Лабараторыя інавацыйных тэхналогій (ФабЛаб)",
     "Laboratory of innovative technologies (FabLab)"),
    ("tech_lab", "Лаборатория технологий и инженерии", "Лабараторыя тэхналогій і інжынерыі",
     "Laboratory of technologies and engineering"),
]  # fmt: skip

CONSTRAINT = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE labs_bookingunit ADD CONSTRAINT held_unit_no_overlap
    EXCLUDE USING gist (equipment_id WITH =, unit WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (active);
"""


def add_labs(apps, schema_editor):
    Lab = apps.get_model("labs", "Lab")
    for position, (code, ru, be, en) in enumerate(LABS):
        Lab.objects.get_or_create(code=code, defaults={"name_ru": ru, "name_be": be, "name_en": en, "position": position})


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CONSTRAINT)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE labs_bookingunit DROP CONSTRAINT IF EXISTS held_unit_no_overlap;")


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_initial")]

    operations = [
        migrations.RunPython(add_labs, migrations.RunPython.noop),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
