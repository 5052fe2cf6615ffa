"""The districts of Minsk, the regions of Belarus, and abroad: fixed reference data."""

from django.db import migrations

DISTRICTS = [
    ("zavodskoy", "minsk", "Заводской район", "Заводскі раён", "Zavodskoy district"),
    ("leninsky", "minsk", "Ленинский район", "Ленінскі раён", "Leninsky district"),
    ("moskovsky", "minsk", "Московский район", "Маскоўскі раён", "Moskovsky district"),
    ("oktyabrsky", "minsk", "Октябрьский район", "Кастрычніцкі раён", "Oktyabrsky district"),
    ("partizansky", "minsk", "Партизанский район", "Партызанскі раён", "Partizansky district"),
    ("pervomaisky", "minsk", "Первомайский район", "Першамайскі раён", "Pervomaisky district"),
    ("sovetsky", "minsk", "Советский район", "Савецкі раён", "Sovetsky district"),
    ("frunzensky", "minsk", "Фрунзенский район", "Фрунзенскі раён", "Frunzensky district"),
    ("tsentralny", "minsk", "Центральный район", "Цэнтральны раён", "Tsentralny district"),
    ("brest-region", "region", "Брестская область", "Брэсцкая вобласць", "Brest Region"),
    ("vitebsk-region", "region", "Витебская область", "Віцебская вобласць", "Vitebsk Region"),
    ("gomel-region", "region", "Гомельская область", "Гомельская вобласць", "Gomel Region"),
    ("grodno-region", "region", "Гродненская область", "Гродзенская вобласць", "Grodno Region"),
    ("minsk-region", "region", "Минская область", "Мінская вобласць", "Minsk Region"),
    ("mogilev-region", "region", "Могилёвская область", "Магілёўская вобласць", "Mogilev Region"),
    ("abroad", "abroad", "Зарубежье", "Замежжа", "Abroad"),
]


def create(apps, schema_editor):
    District = apps.get_model("network", "District")
    for position, (code, kind, ru, be, en) in enumerate(DISTRICTS, start=1):
        District.objects.update_or_create(
            code=code, defaults={"kind": kind, "name_ru": ru, "name_be": be, "name_en": en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
