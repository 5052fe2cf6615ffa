from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.accounts.roles import Role
from technopark.core.errors import DomainError
from technopark.core.files import content_type_for, open_stored_file
from technopark.core.pagecache import cache_anonymous_page
from technopark.events.services import PUBLIC_EVENTS
from technopark.portal import selectors, services
from technopark.portal.access import access_home_block, access_news, may_edit_content, visible_news
from technopark.portal.forms import HomeBlockForm, NewsForm, NewsStatusFilterForm
from technopark.portal.models import HomeBlock, News
from technopark.portal.services import PUBLIC_CONTENT

NEWS_PAGE_SIZE = 12
STAFF_PAGE_SIZE = 50


# The home page shows what is coming up: it changes with the events and with the date.
@cache_anonymous_page(PUBLIC_CONTENT, PUBLIC_EVENTS, daily=True)
def home(request: HttpRequest) -> HttpResponse:
    sections = selectors.home_sections()
    intro = sections.get(HomeBlock.Kind.INTRO, [])
    return render(
        request,
        "portal/home.html",
        {
            "is_home": True,
            "intro": intro[0] if intro else None,
            "directions": sections.get(HomeBlock.Kind.DIRECTION, []),
            "labs": sections.get(HomeBlock.Kind.LAB, []),
            "activities": sections.get(HomeBlock.Kind.ACTIVITY, []),
            "latest_news": list(selectors.news_cards(selectors.published_news())[: selectors.HOME_NEWS_COUNT]),
            **selectors.home_events(),
        },
    )


@cache_anonymous_page(PUBLIC_CONTENT)
def news_list(request: HttpRequest) -> HttpResponse:
    news = selectors.news_cards(selectors.published_news())
    page = Paginator(news, NEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/news_list.html", {"page_obj": page})


@cache_anonymous_page(PUBLIC_CONTENT)
def news_detail(request: HttpRequest, news_id: int) -> HttpResponse:
    news = access_news(request.user, news_id)
    return render(request, "portal/news_detail.html", {"news": news, "may_edit": may_edit_content(request.user)})


def news_image(request: HttpRequest, news_id: int) -> FileResponse:
    """The news item's image, for whoever may read the item (DOMAIN.md rule 8)."""
    news = access_news(request.user, news_id)
    handle = open_stored_file(news.image, owner=news)
    response = FileResponse(handle, content_type=content_type_for(news.image.name))
    response["Cache-Control"] = "public, max-age=3600" if news.is_published else "private, no-store"
    return response


# --- Staff: news --------------------------------------------------------------------------------


@staff_required(Role.METHODOLOGIST)
def news_manage(request: HttpRequest) -> HttpResponse:
    form = NewsStatusFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    news = selectors.staff_news(visible_news(request.user), **filters)
    page = Paginator(news, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/staff/news_manage.html", {"form": form, "page_obj": page})


@staff_required(Role.METHODOLOGIST)
def news_create(request: HttpRequest) -> HttpResponse:
    form = NewsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            news = services.create_news(actor=signed_in_user(request), **form.service_fields())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if "publish" in request.POST:
                services.publish_news(news, actor=signed_in_user(request))
                messages.success(request, _("The news item is published."))
            else:
                messages.success(request, _("The draft is saved."))
            return redirect("portal:news-edit", news_id=news.pk)
    return render(
        request, "portal/staff/news_form.html", {"form": form, "news": None}, status=400 if form.errors else 200
    )


@staff_required(Role.METHODOLOGIST)
def news_edit(request: HttpRequest, news_id: int) -> HttpResponse:
    news = access_news(request.user, news_id, for_write=True)
    if request.method == "POST":
        form = NewsForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.update_news(news, actor=signed_in_user(request), **form.service_fields())
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("portal:news-edit", news_id=news.pk)
    else:
        form = NewsForm(initial=model_to_dict(news, fields=NewsForm.Meta.fields))
    return render(
        request, "portal/staff/news_form.html", {"form": form, "news": news}, status=400 if form.errors else 200
    )


@require_POST
@staff_required(Role.METHODOLOGIST)
def news_set_status(request: HttpRequest, news_id: int) -> HttpResponse:
    news = access_news(request.user, news_id, for_write=True)
    if request.POST.get("status") == News.Status.PUBLISHED:
        services.publish_news(news, actor=signed_in_user(request))
        messages.success(request, _("The news item is published."))
    else:
        services.unpublish_news(news, actor=signed_in_user(request))
        messages.success(request, _("The news item is taken off the portal and is a draft again."))
    return redirect("portal:news-edit", news_id=news.pk)


@require_POST
@staff_required(Role.METHODOLOGIST)
def news_delete(request: HttpRequest, news_id: int) -> HttpResponse:
    news = access_news(request.user, news_id, for_write=True)
    try:
        services.delete_news(news, actor=signed_in_user(request))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:news-edit", news_id=news.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("portal:news-manage")


# --- Staff: home page texts ------------------------------------------------------------------------


@staff_required(Role.METHODOLOGIST)
def home_blocks(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/staff/home_blocks.html", {"sections": selectors.home_blocks_by_section()})


@staff_required(Role.METHODOLOGIST)
def home_block_create(request: HttpRequest) -> HttpResponse:
    form = HomeBlockForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_home_block(actor=signed_in_user(request), **form.service_fields())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The block is added to the home page."))
            return redirect("portal:home-blocks")
    return render(
        request,
        "portal/staff/home_block_form.html",
        {"form": form, "home_block": None},
        status=400 if form.errors else 200,
    )


@staff_required(Role.METHODOLOGIST)
def home_block_edit(request: HttpRequest, block_id: int) -> HttpResponse:
    block = access_home_block(request.user, block_id)
    if request.method == "POST":
        form = HomeBlockForm(request.POST)
        if form.is_valid():
            try:
                services.update_home_block(block, actor=signed_in_user(request), **form.service_fields())
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("portal:home-blocks")
    else:
        form = HomeBlockForm(initial=model_to_dict(block, fields=HomeBlockForm.Meta.fields))
    return render(
        request,
        "portal/staff/home_block_form.html",
        {"form": form, "home_block": block},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required(Role.METHODOLOGIST)
def home_block_delete(request: HttpRequest, block_id: int) -> HttpResponse:
    block = access_home_block(request.user, block_id)
    services.delete_home_block(block, actor=signed_in_user(request))
    messages.success(request, _("The block is removed from the home page."))
    return redirect("portal:home-blocks")
