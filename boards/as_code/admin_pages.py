"""The Board admin's YAML download (an action) and its import page: upload a file, see
what it would create or update and every error line, then confirm.

The confirmation carries the previewed file signed (django.core.signing), so what is
imported is the file that was previewed, checked again as it is written.
"""

import base64
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boards.as_code import ImportResult, export_boards, import_boards

MAX_UPLOAD_BYTES = 512 * 1024
SALT = "boards.as_code.import"
CONFIRM_MAX_AGE_SECONDS = 3600


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Boards file (YAML)"),
        help_text=format_lazy(
            gettext_lazy("As written by “Export boards as YAML”; at most {size} KiB."),
            size=MAX_UPLOAD_BYTES // 1024,
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            sizes = {"size": upload.size // 1024, "limit": MAX_UPLOAD_BYTES // 1024}
            raise forms.ValidationError(
                _("The file has %(size)s KiB; at most %(limit)s KiB.") % sizes
            )
        return upload


def export_response(slugs) -> HttpResponse:
    response = HttpResponse(export_boards(slugs), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="boards.yaml"'
    return response


def import_page(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    if request.method == "POST" and "document" in request.POST:
        return _confirm(model_admin, request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name, data = Path(upload.name).name or "boards.yaml", upload.read()
        result = import_boards(data, name, dry_run=True)
        return _render(model_admin, request, ImportForm(), result, _sign(name, data))
    return _render(model_admin, request, form)


def _confirm(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    try:
        name, data = _unsign(request.POST["document"])
    except signing.BadSignature:
        return HttpResponseBadRequest(
            _("This preview expired or was altered: upload the file again.")
        )
    result = import_boards(data, name)
    if not result.ok:  # the boards changed since the preview: show why, write nothing
        return _render(model_admin, request, ImportForm(), result)
    summary = "; ".join(board.line() for board in result.boards) or _("no boards in it")
    messages.success(
        request, _("Imported %(name)s: %(summary)s.") % {"name": name, "summary": summary}
    )
    for note in (note for board in result.boards for note in board.notes):
        messages.warning(request, f"{note}.")
    return HttpResponseRedirect(reverse("admin:boards_board_changelist"))


def _render(model_admin, request, form, result: ImportResult | None = None, signed=None):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import boards"),
        "form": form,
        "result": result,
        "signed": signed if result is not None and result.ok else None,
    }
    return TemplateResponse(request, "admin/boards/board/import.html", context)


def _sign(name: str, data: bytes) -> str:
    payload = {"name": name, "data": base64.b64encode(data).decode("ascii")}
    return signing.dumps(payload, salt=SALT, compress=True)


def _unsign(value: str) -> tuple[str, bytes]:
    payload = signing.loads(value, salt=SALT, max_age=CONFIRM_MAX_AGE_SECONDS)
    return payload["name"], base64.b64decode(payload["data"])
