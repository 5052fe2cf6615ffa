"""The home page texts from the centre's own description (shared/seed), in three languages.

They are the starting content of every installation; methodologists edit them on the staff page
"Home page texts" afterwards. Reversing the migration leaves edited texts alone.
"""

from django.db import migrations

BLOCKS = [
    ("intro", 0, (
        "Детский технопарк «Технопрорыв»",
        "Дзіцячы тэхнапарк «Тэхнапрарыў»",
        "Children's Technopark «Tekhnoproryv»",
    ), (
        "Городской ресурсный центр научно-технического творчества учащихся на базе Минского государственного "
        "дворца детей и молодежи. С 2021 года объединяет учреждения образования столицы и социальных партнёров "
        "в единый образовательный кластер в области инженерии, IT, архитектуры и дизайна.",
        "Гарадскі рэсурсны цэнтр навукова-тэхнічнай творчасці навучэнцаў на базе Мінскага дзяржаўнага палаца "
        "дзяцей і моладзі. З 2021 года аб'ядноўвае ўстановы адукацыі сталіцы і сацыяльных партнёраў у адзіны "
        "адукацыйны кластар у галіне інжынерыі, IT, архітэктуры і дызайну.",
        "The city resource centre for students' scientific and technical creativity at the Minsk State Palace "
        "of Children and Youth. Since 2021 it has joined the capital's education institutions and social partners "
        "into one educational cluster in engineering, IT, architecture and design.",
    )),
    ("direction", 10, ("Инженерия", "Інжынерыя", "Engineering"), (
        "Техническое творчество и конструирование: от проектной идеи до опытного образца.",
        "Тэхнічная творчасць і канструяванне: ад праектнай ідэі да доследнага ўзору.",
        "Technical creativity and design: from a project idea to a working prototype.",
    )),
    ("direction", 20, ("IT", "IT", "IT"), (
        "Информационные технологии: программирование и цифровые проекты учащихся.",
        "Інфармацыйныя тэхналогіі: праграмаванне і лічбавыя праекты навучэнцаў.",
        "Information technology: programming and students' digital projects.",
    )),
    ("direction", 30, ("Архитектура", "Архітэктура", "Architecture"), (
        "Архитектурное проектирование и макетирование.",
        "Архітэктурнае праектаванне і макетаванне.",
        "Architectural design and model making.",
    )),
    ("direction", 40, ("Дизайн", "Дызайн", "Design"), (
        "Дизайн предметов и среды, творческое самовыражение учащихся.",
        "Дызайн прадметаў і асяроддзя, творчае самавыяўленне навучэнцаў.",
        "Product and environment design, students' creative self-expression.",
    )),
    ("lab", 10, ("Компьютерный центр", "Камп'ютарны цэнтр", "Computer centre"), (
        "Лаборатория для занятий и проектов учащихся в области IT.",
        "Лабараторыя для заняткаў і праектаў навучэнцаў у галіне IT.",
        "The lab for students' classes and projects in IT.",
    )),
    ("lab", 20, ("Креативная лаборатория", "Крэатыўная лабараторыя", "Creative laboratory"), (
        "Лаборатория для творческих проектов учащихся.",
        "Лабараторыя для творчых праектаў навучэнцаў.",
        "The lab for students' creative projects.",
    )),
    ("lab", 30, ("ФабЛаб", "ФабЛаб", "FabLab"), (
        "Лаборатория инновационных технологий: изготовление опытных образцов по проектам учащихся.",
        "Лабараторыя інавацыйных тэхналогій: выраб доследных узораў па праектах навучэнцаў.",
        "The laboratory of innovative technologies: making prototypes of students' projects.",
    )),
    ("lab", 40, ("Лаборатория технологий и инженерии", "Лабараторыя тэхналогій і інжынерыі", "Laboratory of technologies and engineering"), (
        "Конструирование и инженерные проекты учащихся. Вместе лаборатории — единый технологический центр "
        "с оборудованием нового поколения.",
        "Канструяванне і інжынерныя праекты навучэнцаў. Разам лабараторыі — адзіны тэхналагічны цэнтр "
        "з абсталяваннем новага пакалення.",
        "Design and engineering projects of students. Together the labs are one technology centre with "
        "new-generation equipment.",
    )),
    ("activity", 10, ("Организационная работа", "Арганізацыйная праца", "Organisational work"), (
        "Конкурсы, соревнования, фестивали, выставки, профильные лагеря, экскурсии и другие мероприятия для "
        "учащихся; информирование о научно-техническом творчестве в столице.",
        "Конкурсы, спаборніцтвы, фестывалі, выставы, профільныя лагеры, экскурсіі і іншыя мерапрыемствы для "
        "навучэнцаў; інфармаванне пра навукова-тэхнічную творчасць у сталіцы.",
        "Contests, competitions, festivals, exhibitions, profile camps, excursions and other events for students; "
        "information about scientific and technical creativity across the capital.",
    )),
    ("activity", 20, ("Научно-методическая работа", "Навукова-метадычная праца", "Scientific and methodical work"), (
        "Обучающие курсы, инструктивно-методические совещания, семинары, конференции и консультации для педагогов "
        "Минска с участием МГИРО, АПО, вузов и Академии наук; образовательные программы, методические рекомендации "
        "и образовательно-методические комплексы для объединений по интересам.",
        "Навучальныя курсы, інструктыўна-метадычныя нарады, семінары, канферэнцыі і кансультацыі для педагогаў "
        "Мінска з удзелам МГІРА, АПА, ВНУ і Акадэміі навук; адукацыйныя праграмы, метадычныя рэкамендацыі "
        "і адукацыйна-метадычныя комплексы для аб'яднанняў па інтарэсах.",
        "Training courses, instructive-methodical meetings, seminars, conferences and consultations for Minsk "
        "teachers, with MGIRO, APO, universities and the Academy of Sciences; educational programs, methodical "
        "recommendations and educational-methodical complexes for interest associations.",
    )),
    ("activity", 30, ("Сетевое взаимодействие", "Сеткавае ўзаемадзеянне", "Network interaction"), (
        "Взаимодействие, в том числе дистанционное, учреждений образования Минска и Республики Беларусь; "
        "региональная кластерная модель; банк инновационного педагогического опыта; сотрудничество с партнёрами "
        "ближнего и дальнего зарубежья.",
        "Узаемадзеянне, у тым ліку дыстанцыйнае, устаноў адукацыі Мінска і Рэспублікі Беларусь; рэгіянальная "
        "кластарная мадэль; банк інавацыйнага педагагічнага вопыту; супрацоўніцтва з партнёрамі блізкага "
        "і далёкага замежжа.",
        "Interaction, including remote, between education institutions of Minsk and Belarus; a regional cluster "
        "model; a bank of innovative pedagogical experience; cooperation with partners near and far abroad.",
    )),
    ("activity", 40, ("Конкурсное движение", "Конкурсны рух", "Contest movement"), (
        "Соревнования, технические уик-энды, интерактивные площадки; подготовка индивидуальных участников "
        "и команд к международным и республиканским конкурсам научно-технического творчества молодёжи.",
        "Спаборніцтвы, тэхнічныя ўік-энды, інтэрактыўныя пляцоўкі; падрыхтоўка індывідуальных удзельнікаў "
        "і каманд да міжнародных і рэспубліканскіх конкурсаў навукова-тэхнічнай творчасці моладзі.",
        "Competitions, technical weekends, interactive platforms; preparing individual participants and teams "
        "for international and republican contests of youth scientific and technical creativity.",
    )),
    ("activity", 50, (
        "Отбор в Национальный детский технопарк",
        "Адбор у Нацыянальны дзіцячы тэхнапарк",
        "Selection for the National Children's Technopark",
    ), (
        "Организационно-методическая площадка второго и третьего этапов отбора учащихся для освоения "
        "образовательных программ в УО «Национальный детский технопарк».",
        "Арганізацыйна-метадычная пляцоўка другога і трэцяга этапаў адбору навучэнцаў для засваення "
        "адукацыйных праграм ва УА «Нацыянальны дзіцячы тэхнапарк».",
        "The organisational and methodical site for the 2nd and 3rd stages of selecting students for the "
        "educational programs of the National Children's Technopark.",
    )),
    ("activity", 60, ("Распространение опыта", "Распаўсюджванне вопыту", "Sharing experience"), (
        "Городское учебно-методическое объединение педагогов технического творчества, городские мастер-классы, "
        "методические выставки, международные и республиканские научно-практические конференции, СМИ.",
        "Гарадское вучэбна-метадычнае аб'яднанне педагогаў тэхнічнай творчасці, гарадскія майстар-класы, "
        "метадычныя выставы, міжнародныя і рэспубліканскія навукова-практычныя канферэнцыі, СМІ.",
        "The city teaching-methodical association of technical creativity teachers, city master classes, "
        "methodical exhibitions, international and republican scientific-practical conferences, the mass media.",
    )),
]


def create_blocks(apps, schema_editor):
    HomeBlock = apps.get_model("portal", "HomeBlock")
    if HomeBlock.objects.exists():
        return
    HomeBlock.objects.bulk_create(
        HomeBlock(
            kind=kind,
            position=position,
            title_ru=titles[0],
            title_be=titles[1],
            title_en=titles[2],
            text_ru=texts[0],
            text_be=texts[1],
            text_en=texts[2],
        )
        for kind, position, titles, texts in BLOCKS
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create_blocks, migrations.RunPython.noop)]
