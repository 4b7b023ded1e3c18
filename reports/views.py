from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from helpdesk.roles import Role, role_required

from . import tables
from .exports import csv_lines
from .filters import FilterForm
from .models import WeeklyReview


def _dashboard(request, page: str):
    form = FilterForm(request.GET, today=timezone.localdate())
    filters = form.filters()
    return form, filters, tables.PAGES[page](filters, now=timezone.now())


@role_required(Role.MANAGER)
def dashboard(request, page: str = "sla"):
    form, filters, board = _dashboard(request, page)
    return render(request, f"reports/{page}.html", {
        "page": page, "form": form, "filters": filters, "board": board,
        "summary": board.summary, "querystring": filters.querystring(),
    })


@role_required(Role.MANAGER)
def export(request, page: str, key: str):
    if page not in tables.PAGES:
        raise Http404
    _form, filters, board = _dashboard(request, page)
    table = board.table(key)
    if table is None:
        raise Http404
    response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    name = f"kefu-{key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.MANAGER)
def reviews(request):
    page = Paginator(WeeklyReview.objects.only("week_start", "week_end", "created_at",
                                               "email_status", "emailed_at"), 26)
    return render(request, "reports/reviews.html", {
        "page": "reviews", "reviews": page.get_page(request.GET.get("page"))})


@role_required(Role.MANAGER)
def review(request, pk: int):
    found = get_object_or_404(WeeklyReview, pk=pk)
    return render(request, "reports/review.html", {"page": "reviews", "review": found,
                                                   "content": found.content})
