"""Background work of the network app: checking and carrying out an import of institutions."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from technopark.core.errors import DomainError
from technopark.core.models import BackgroundJob
from technopark.core.services import report_progress, set_job_state
from technopark.network.access import IMPORT_KIND
from technopark.network.imports import ImportPlan, apply_plan, check_rows
from technopark.network.tabular import TableError, read_table


def _read(job: BackgroundJob) -> list[tuple[int, dict[str, str]]]:
    with job.input_file.open("rb") as handle:
        return read_table(handle.read(), job.input_name)


def _fail(job: BackgroundJob, message: str, plan: ImportPlan | None = None) -> None:
    data = {**job.data, "error": message}
    if plan is not None:
        data["plan"] = plan.as_data()
    set_job_state(job, BackgroundJob.Status.FAILED, data=data)


@task()
def check_institution_import(job_id: int) -> None:
    """Read and check every row; the job then waits for the user's confirmation, or lists the errors."""
    job = BackgroundJob.objects.get(pk=job_id, kind=IMPORT_KIND)
    with translation.override(job.data.get("language", "ru")):
        try:
            rows = _read(job)
        except TableError as error:
            _fail(job, str(error.message))
            return
        report_progress(job, done=0, total=len(rows))
        plan = check_rows(rows, progress=lambda done, total: report_progress(job, done=done, total=total))
        if plan.problems:
            _fail(job, _("The file has errors; nothing was imported. Correct them and upload the file again."), plan)
            return
        if not plan.rows:
            _fail(job, _("The file has no rows of institutions."), plan)
            return
        set_job_state(job, BackgroundJob.Status.WAITING, data={**job.data, "plan": plan.as_data()})


@task()
def run_institution_import(job_id: int) -> None:
    """Import a checked file, all or nothing. The file is checked again against the registry as it is now."""
    job = BackgroundJob.objects.get(pk=job_id, kind=IMPORT_KIND)
    with translation.override(job.data.get("language", "ru")):
        try:
            rows = _read(job)
            plan = check_rows(rows)
            summary = apply_plan(plan, actor=job.created_by, source=job.input_name)
        except TableError as error:
            _fail(job, str(error.message))
        except DomainError as error:
            _fail(job, str(error.message), plan)
        else:
            set_job_state(job, BackgroundJob.Status.DONE, data={**job.data, "plan": plan.as_data(), "summary": summary})
