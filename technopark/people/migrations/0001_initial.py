"""The registry of people and consent moves here from accounts, `Affiliation` from network (decision 0007).

Not a row is copied: the tables are renamed to ``people_*`` and the models' state moves (accounts 0007 and network
0007 forget them, events, labs and projects point their foreign keys here); the foreign keys in the database
follow a renamed table (PostgreSQL by its oid, SQLite rewrites the references). The content types move too, so
the audit log, permissions and generic relations keep pointing at the same rows. Reversible."""

from __future__ import annotations

import django.core.validators
import django.db.models.deletion
import technopark.core.models
import technopark.people.models
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


# (old app, model, old table): every table keeps its name but for the app's prefix.
MOVED = [
    ("accounts", "person", "accounts_person"),
    ("accounts", "guardianship", "accounts_guardianship"),
    ("accounts", "claimcode", "accounts_claimcode"),
    ("accounts", "notduplicate", "accounts_notduplicate"),
    ("accounts", "consenttext", "accounts_consenttext"),
    ("accounts", "consent", "accounts_consent"),
    ("network", "affiliation", "network_affiliation"),
]


def _rename(old: str, new: str) -> str:
    return f'ALTER TABLE "{old}" RENAME TO "{new}"'


RENAMES = [
    migrations.RunSQL(_rename(table, f"people_{model}"), reverse_sql=_rename(f"people_{model}", table))
    for _, model, table in MOVED
]


def _move_content_types(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, *, back: bool) -> None:
    manager = apps.get_model("contenttypes", "ContentType").objects
    content_types = manager.using(schema_editor.connection.alias)
    for app, model, _ in MOVED:
        source, target = ("people", app) if back else (app, "people")
        moving = content_types.filter(app_label=source, model=model)
        if moving.exists():
            # A row under the new label can only be an empty one `migrate` made for a model it had not seen
            # yet; the old row is the one the audit log and the permissions point at.
            content_types.filter(app_label=target, model=model).delete()
            moving.update(app_label=target)
    manager.clear_cache()


def move_content_types(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move_content_types(apps, schema_editor, back=False)


def move_content_types_back(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move_content_types(apps, schema_editor, back=True)


class Migration(migrations.Migration):
    # After every migration that knows these models under their old apps: tables made later refer to the
    # renamed ones.

    initial = True

    dependencies = [
        ('accounts', '0006_bounded_texts'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('events', '0008_documents_signatory_and_revocation'),
        ('labs', '0005_bounded_texts'),
        ('network', '0006_bounded_texts'),
        ('projects', '0002_bounded_texts'),
        # The last migration that reads these models under their old apps (consent scans).
        ('portal', '0006_strip_image_metadata'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ClaimCode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('claimant', models.CharField(choices=[('self', 'The person themself'), ('guardian', 'A guardian')], max_length=10, verbose_name='for')),
                        ('code_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField(verbose_name='valid until')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='issued')),
                        ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='used')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('used_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'claim code',
                        'verbose_name_plural': 'claim codes',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ConsentText',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('purpose', models.CharField(choices=[('participation', "Taking part in the centre's activities"), ('publication', 'Publishing photos and names'), ('ndtp_transfer', "Passing data to the National Children's Technopark for selection")], max_length=20, verbose_name='purpose')),
                        ('version', models.PositiveIntegerField(verbose_name='version')),
                        ('title_ru', models.CharField(max_length=300, verbose_name='title (Russian)')),
                        ('title_be', models.CharField(blank=True, max_length=300, verbose_name='title (Belarusian)')),
                        ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                        ('body_ru', technopark.core.models.BoundedTextField(max_length=100000, verbose_name='text (Russian)')),
                        ('body_be', technopark.core.models.BoundedTextField(blank=True, max_length=100000, verbose_name='text (Belarusian)')),
                        ('body_en', technopark.core.models.BoundedTextField(blank=True, max_length=100000, verbose_name='text (English)')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='in force since')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'consent text',
                        'verbose_name_plural': 'consent texts',
                        'ordering': ['purpose', '-version'],
                    },
                ),
                migrations.CreateModel(
                    name='Person',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('last_name', models.CharField(max_length=150, verbose_name='surname')),
                        ('first_name', models.CharField(max_length=150, verbose_name='name')),
                        ('patronymic', models.CharField(blank=True, max_length=150, verbose_name='patronymic')),
                        ('birth_date', models.DateField(blank=True, null=True, validators=[technopark.people.models.validate_birth_date], verbose_name='date of birth')),
                        ('birth_date_confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='date of birth confirmed')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                        ('grade', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(11)], verbose_name='grade')),
                        ('qualification_category', models.CharField(blank=True, choices=[('none', 'Without a category'), ('second', 'Second category'), ('first', 'First category'), ('highest', 'Highest category'), ('methodologist', 'Teacher-methodologist'), ('innovator', 'Teacher-innovator')], max_length=16, verbose_name='qualification category')),
                        ('search_text', models.CharField(default='', editable=False, max_length=460)),
                        ('birth_date_confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='date of birth confirmed by')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='person', to=settings.AUTH_USER_MODEL, verbose_name='login')),
                    ],
                    options={
                        'verbose_name': 'person',
                        'verbose_name_plural': 'people',
                        'ordering': ['last_name', 'first_name', 'patronymic', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='NotDuplicate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('first', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
                        ('second', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
                    ],
                ),
                migrations.CreateModel(
                    name='Guardianship',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='linked')),
                        ('source', models.CharField(choices=[('linked', "Linked by the centre or the child's teacher"), ('claim_code', 'Claimed with a code')], default='linked', max_length=12, verbose_name='how')),
                        ('claim_code', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.claimcode', verbose_name='claim code')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('child', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guardianships', to='people.person', verbose_name='child')),
                        ('guardian', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='wards', to='people.person', verbose_name='guardian')),
                    ],
                    options={
                        'verbose_name': 'guardianship',
                        'verbose_name_plural': 'guardianships',
                    },
                ),
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('participation', "Taking part in the centre's activities"), ('publication', 'Publishing photos and names'), ('ndtp_transfer', "Passing data to the National Children's Technopark for selection")], max_length=20, verbose_name='purpose')),
                        ('given_at', models.DateTimeField(verbose_name='given')),
                        ('channel', models.CharField(choices=[('online', 'Online'), ('paper', 'On paper (signed scan)')], max_length=10, verbose_name='channel')),
                        ('scan', models.FileField(blank=True, upload_to=technopark.people.models.consent_scan_path, verbose_name='signed scan')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn')),
                        ('withdrawal_reason', models.CharField(blank=True, choices=[('request', 'Withdrawn by the giver or on their request'), ('age_corrected', 'Ended: the date of birth was corrected, so someone else had to consent'), ('guardianship_revoked', 'Ended: the giver is no longer linked as a guardian'), ('birth_date_unconfirmed', "Ended: the person's own date of birth was not confirmed, so a guardian had to consent")], max_length=24, verbose_name='why it ended')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('text', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.consenttext', verbose_name='text version')),
                        ('giver', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents_given', to='people.person', verbose_name='given by')),
                        ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='people.person', verbose_name='whose data')),
                    ],
                    options={
                        'verbose_name': 'consent',
                        'verbose_name_plural': 'consents',
                        'ordering': ['-given_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='claimcode',
                    name='person',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claim_codes', to='people.person', verbose_name='person'),
                ),
                migrations.CreateModel(
                    name='Affiliation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('kind', models.CharField(choices=[('student', 'Student'), ('teacher', 'Teacher')], max_length=10, verbose_name='as')),
                        ('position', models.CharField(blank=True, max_length=200, verbose_name='position')),
                        ('institution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affiliations', to='network.institution', verbose_name='institution')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affiliations', to='people.person', verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'affiliation',
                        'verbose_name_plural': 'affiliations',
                        'ordering': ['institution__short_name', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='consenttext',
                    constraint=models.UniqueConstraint(fields=('purpose', 'version'), name='consent_text_version_unique'),
                ),
                migrations.AddIndex(
                    model_name='person',
                    index=models.Index(fields=['birth_date'], name='person_birth_date'),
                ),
                migrations.AddIndex(
                    model_name='person',
                    index=models.Index(fields=['search_text', 'id'], name='person_search'),
                ),
                migrations.AddConstraint(
                    model_name='person',
                    constraint=models.CheckConstraint(condition=models.Q(('grade__isnull', True), models.Q(('grade__gte', 1), ('grade__lte', 11)), _connector='OR'), name='person_grade_1_11'),
                ),
                migrations.AddConstraint(
                    model_name='notduplicate',
                    constraint=models.UniqueConstraint(fields=('first', 'second'), name='not_duplicate_unique'),
                ),
                migrations.AddConstraint(
                    model_name='notduplicate',
                    constraint=models.CheckConstraint(condition=models.Q(('first__lt', models.F('second'))), name='not_duplicate_ordered'),
                ),
                migrations.AddConstraint(
                    model_name='guardianship',
                    constraint=models.UniqueConstraint(fields=('guardian', 'child'), name='guardianship_unique'),
                ),
                migrations.AddConstraint(
                    model_name='guardianship',
                    constraint=models.CheckConstraint(condition=models.Q(('guardian', models.F('child')), _negated=True), name='guardianship_not_self'),
                ),
                migrations.AddIndex(
                    model_name='consent',
                    index=models.Index(fields=['subject', 'purpose', 'withdrawn_at'], name='consent_subject_purpose'),
                ),
                migrations.AddIndex(
                    model_name='affiliation',
                    index=models.Index(fields=['institution', 'kind'], name='affiliation_institution_kind'),
                ),
                migrations.AddConstraint(
                    model_name='affiliation',
                    constraint=models.UniqueConstraint(fields=('person', 'institution', 'kind'), name='affiliation_unique'),
                ),
            ],
            database_operations=RENAMES,
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
