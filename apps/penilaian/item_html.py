"""One worksheet item's HTML, built in Python (issue 22).

The worksheet is the page a tim kerja sits in all day; each of a section's items is a question, an
answer form of its own, a status line and an evidence box. Through the template engine that was
three quarters of the page's time — some two hundred variable lookups, translations and escapes per
item, a millisecond and more each item. Here the common markup is written once in Python with the
same escaping rules as a template (every value goes through ``conditional_escape``; translated
strings are the catalogue's, with the same msgids), and the rare parts keep their templates: the
"what to fix" note of a returned item, the conflict box, the suggestions, the file picker.

``item_html`` is the item (``<article id="soal-N">``), ``evidence_html`` its evidence box (also the
HTMX answer to an upload, attach or removal), ``item_response_html`` the answer to an autosave (the
item and its out-of-band scores and progress; ``done_html`` and ``answered_html`` are the templates
of the same names, which the pages still include). Context: the penilaian, the item (``ItemView``), its
group (``GroupView``) and the request (for the CSRF token and the preview link).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from apps.core.form_html import conditional_escape as esc
from apps.core.form_html import field_group_html, widget_html

if TYPE_CHECKING:
    from apps.penilaian.models import Penilaian

STAMP = "j M Y H:i"


def _csrf(request: HttpRequest) -> str:
    """The CSRF field, masked once per response (like ``{% csrf_token %}`` within one template)."""
    field = getattr(request, "_zi_csrf_input", None)
    if field is None:
        field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(get_token(request))}">'
        request._zi_csrf_input = field  # type: ignore[attr-defined]
    return field


def _stamp(value: Any) -> str:
    return date_format(timezone.localtime(value), STAMP) if value else ""


def _who(row: Any) -> Any:
    return getattr(row, "updater_name", "") or getattr(row, "updater_email", "") or "—"


def _state(item: Any) -> str:
    form = item.form
    if item.conflict:
        return "conflict"
    if form is not None and form.errors:
        return "invalid"
    return "saved" if item.saved else ""


def item_html(*, request: HttpRequest, penilaian: Penilaian, item: Any, group: Any) -> SafeString:
    number = item.number
    soal = item.soal
    classes = "ws-item" + (" ws-returned" if item.item_return else "") + ("" if item.form else " ws-readonly")
    out = [
        f'<article id="soal-{number}" class="{classes}" aria-labelledby="soal-{number}-q">',
        '<header class="ws-item-head">',
        f'<p class="ws-question" id="soal-{number}-q"><span class="ws-number">{number}.</span> {esc(soal.text)}</p>',
        f'<small class="zi-muted">{esc(soal.get_answer_type_display())}</small>',
    ]
    if soal.criteria:
        out.append(
            f'<details class="ws-criteria"><summary>{esc(_("How it is scored"))}</summary>'
            f"<p>{linebreaksbr(soal.criteria, autoescape=True)}</p></details>"
        )
    out.append("</header>")
    if item.item_return:
        out.append(render_to_string("penilaian/partials/ws_fix.html", {"item": item}, request))
    if item.is_survey:
        out.append(
            render_to_string("penilaian/partials/ws_survey.html", {"item": item, "penilaian": penilaian}, request)
        )
    if item.suggestion:
        out.append(
            render_to_string(
                "pendampingan/partials/lke_suggestion.html", {"suggestion": item.suggestion, "soal": soal}, request
            )
        )
    if item.form:
        out.append(_form_html(request, penilaian, item, group))
    else:
        out.append(_answer_html(item))
    out.append(evidence_html(request=request, penilaian=penilaian, item=item))
    out.append("</article>")
    return mark_safe("\n".join(out))


def _form_html(request: HttpRequest, penilaian: Penilaian, item: Any, group: Any) -> str:
    form = item.form
    state = _state(item)
    answer = form["answer"]
    out = [
        # Saved by static/js/worksheet.js a moment after typing stops (or with the button); a plain
        # POST without JavaScript.
        f'<form method="post" action="{esc(item.urls.save)}" data-autosave="{item.number}" '
        f'data-save-state="{state}" class="ws-form" novalidate>',
        _csrf(request),
        widget_html(form["version"]),
    ]
    if form.non_field_errors():
        out.append(f'<div class="zi-form-errors" role="alert">{form.non_field_errors()}</div>')
    if form["version"].errors:
        out.append(f'<div class="zi-form-errors" role="alert">{form["version"].errors}</div>')
    if item.conflict:
        out.append(render_to_string("penilaian/partials/ws_conflict.html", {"item": item}, request))
    auto_id = esc(answer.auto_id)
    invalid = f' aria-invalid="true" aria-describedby="{auto_id}_errors"' if answer.errors else ""
    if item.is_option:
        value = answer.value()
        labels = []
        for index, option in enumerate(item.options, start=1):
            checked = " checked" if option.key == value else ""
            explains = f" — {esc(option.label)}" if option.explains else ""
            labels.append(
                f'<label for="{auto_id}_{index}"><input type="radio" name="{esc(answer.html_name)}" '
                f'id="{auto_id}_{index}" value="{esc(option.key)}"{checked}> <strong>{esc(option.key)}</strong>'
                f"{explains}</label>"
            )
        none_checked = "" if value else " checked"
        labels.append(
            f'<label for="{auto_id}_0"><input type="radio" name="{esc(answer.html_name)}" id="{auto_id}_0" '
            f'value=""{none_checked}> <em>{esc(_("not answered"))}</em></label>'
        )
        out.append(
            f'<fieldset class="ws-options"{invalid}><legend>{esc(_("Answer"))}</legend>{"".join(labels)}</fieldset>'
        )
    else:
        value = answer.value()
        shown = "" if value is None else esc(value)
        if item.is_number:
            # type="text": a number input hands over "" for "1e", which would save a blank; the server
            # refuses what is not a number.
            extra = 'inputmode="numeric" pattern="[0-9]*" class="ws-number"'
            if group is not None and group.derived:
                node_id = group.node.node_id
                preview = reverse("penilaian:worksheet-preview", args=[penilaian.public_id])
                extra += (
                    f' hx-get="{esc(preview)}" hx-trigger="input changed delay:400ms"'
                    f' hx-include="#group-{node_id} .ws-number" hx-vals=\'{{"node": "{node_id}"}}\''
                    f' hx-target="#derived-box-{node_id}" hx-swap="outerHTML"'
                )
        else:
            extra = 'inputmode="decimal"'
        out.append(
            f'<label for="{auto_id}">{esc(answer.label)}</label>'
            f'<input type="text" name="{esc(answer.html_name)}" id="{auto_id}" value="{shown}" autocomplete="off" '
            f"{extra}{invalid}>"
        )
    if answer.errors:
        out.append(f'<div id="{auto_id}_errors">{answer.errors}</div>')
    out.append(field_group_html(form["note"]))
    out.append(field_group_html(form["evidence_link"]))
    if item.conflict:
        label = _("Not saved: someone else saved this item meanwhile.")
    elif form.errors:
        label = _("Not saved: correct the marked input.")
    elif item.saved:
        label = _("Saved.")
    else:
        label = ""
    version = ""
    if item.row is not None and item.row.version:
        version = '<small class="zi-muted">{}</small>'.format(
            _("Version %(version)s, saved by %(who)s at %(when)s")
            % {"version": item.row.version, "who": esc(_who(item.row)), "when": esc(_stamp(item.row.updated_at))}
        )
    out.append(
        f'<div class="ws-save"><button type="submit" id="save-{item.number}">{esc(_("Save"))}</button>'
        f'<p class="ws-status" aria-live="polite" data-save-status data-state="{state}">'
        f"<strong data-save-label>{esc(label)}</strong> "
        f'<button type="button" class="secondary ws-retry" data-save-retry hidden>{esc(_("Try again"))}</button> '
        f"{version}</p></div></form>"
    )
    return "\n".join(out)


def _answer_html(item: Any) -> str:
    row = item.row
    if item.answer:
        label = f" — {esc(item.answer_label)}" if item.answer_label else ""
        answer = f"<strong>{esc(item.answer)}</strong>{label}"
    else:
        answer = f'<span class="zi-muted">{esc(_("not answered"))}</span>'
    out = [f'<dl class="zi-facts ws-answer"><dt>{esc(_("Answer"))}</dt><dd>{answer}</dd>']
    if row is not None and row.note:
        out.append(f"<dt>{esc(_('Note'))}</dt><dd>{linebreaksbr(row.note, autoescape=True)}</dd>")
    if row is not None and row.evidence_link:
        link = esc(row.evidence_link)
        out.append(
            f"<dt>{esc(_('Evidence link'))}</dt><dd>"
            f'<a href="{link}" rel="noopener noreferrer nofollow" target="_blank">{link}</a></dd>'
        )
    out.append("</dl>")
    if item.is_option:
        options = "".join(
            f"<li><strong>{esc(o.key)}</strong>{f' — {esc(o.label)}' if o.explains else ''}</li>" for o in item.options
        )
        out.append(
            f'<details class="ws-criteria"><summary>{esc(_("What each option means"))}</summary>'
            f"<ul>{options}</ul></details>"
        )
    return "\n".join(out)


def evidence_html(*, request: HttpRequest, penilaian: Penilaian, item: Any) -> SafeString:
    """The evidence of one soal: the attached files and, when editable, upload / pick / remove."""
    number = item.number
    out = [
        f'<div id="evidence-{number}" class="ws-evidence">',
        f'<h4 class="ws-evidence-title">{esc(_("Evidence files"))}</h4>',
    ]
    if item.files:
        files = []
        for file in item.files:
            bukti = file.bukti
            line = (
                f'<li><a href="{esc(file.download)}">{esc(bukti.original_name)}</a> '
                f'<small class="zi-muted">({esc(bukti.get_kind_display())}, {esc(filesizeformat(bukti.size))})</small>'
            )
            if item.editable:
                remove = _("Remove %(name)s from this item") % {"name": esc(bukti.original_name)}
                line += (
                    f'<form method="post" action="{esc(file.detach)}" hx-post="{esc(file.detach)}" '
                    f'hx-target="#evidence-{number}" hx-swap="outerHTML" class="zi-inline">{_csrf(request)}'
                    f'<button type="submit" class="zi-linkbutton" aria-label="{remove}">{esc(_("Remove"))}</button>'
                    "</form>"
                )
            files.append(line + "</li>")
        out.append(f'<ul class="ws-files">{"".join(files)}</ul>')
    else:
        out.append(f'<p class="zi-muted">{esc(_("No file attached."))}</p>')
    if item.error:
        out.append(f'<p class="zi-errors" role="alert">{esc(item.error)}</p>')
    if item.editable and item.upload_form:
        upload = item.upload_form
        opened = " open" if upload.errors or item.pick_form else ""
        errors = (
            f'<div class="zi-form-errors" role="alert">{upload.non_field_errors()}</div>'
            if upload.non_field_errors()
            else ""
        )
        picker = (
            render_to_string(
                "penilaian/partials/ws_evidence_pick.html",
                {"pick_form": item.pick_form, "number": number, "penilaian": penilaian},
                request,
            )
            if item.pick_form
            else ""
        )
        urls = item.urls
        out.append(
            f'<details class="ws-attach"{opened}><summary>{esc(_("Attach a file"))}</summary>'
            f'<form method="post" enctype="multipart/form-data" action="{esc(urls.upload)}" '
            f'hx-post="{esc(urls.upload)}" hx-encoding="multipart/form-data" hx-target="#evidence-{number}" '
            f'hx-swap="outerHTML" novalidate>{_csrf(request)}{errors}'
            f"{field_group_html(upload['file'])}\n{field_group_html(upload['description'])}"
            f'<button type="submit" class="secondary">{esc(_("Upload and attach"))}</button></form>'
            f'<p><a href="{esc(urls.attach)}" hx-get="{esc(urls.attach)}" hx-target="#evidence-pick-{number}" '
            f'hx-swap="innerHTML">{esc(_("Choose a file already in the evidence store"))}</a></p>'
            f'<div id="evidence-pick-{number}">{picker}</div></details>'
        )
    out.append("</div>")
    return mark_safe("\n".join(out))


def done_html(answered: int, total: int) -> str:
    """``penilaian/partials/done.html`` in Python (the autosave answer shows it twice)."""
    incomplete = answered < total
    title = _("%(answered)s of %(total)s soal answered") % {"answered": esc(answered), "total": esc(total)}
    mark = f' <abbr title="{esc(_("incomplete"))}">*</abbr>' if incomplete else ""
    return (
        f'<small class="zi-done{" zi-incomplete" if incomplete else ""}" data-testid="done" title="{title}">'
        f"{esc(answered)}/{esc(total)}{mark}</small>\n"
    )


def answered_html(progress: Any, *, oob: bool = False) -> str:
    """``penilaian/partials/ws_answered.html`` in Python."""
    text = _("%(answered)s of %(total)s answered") % {
        "answered": esc(progress.answered),
        "total": esc(progress.total),
    }
    swap = ' hx-swap-oob="true"' if oob else ""
    return f'<span id="answered-{esc(progress.section.slug)}"{swap}>{text}</span>\n'


def item_response_html(*, request: HttpRequest, penilaian: Penilaian, item: Any, group: Any, reply: Any) -> SafeString:
    """The HTMX answer to a per-item save: the item, plus (out of band) its sub-area score, the
    section score, the computed percentages and every section's progress."""
    node_id = group.node.node_id
    section_score = reply.section_score
    out = [
        item_html(request=request, penilaian=penilaian, item=item, group=group),
        f'<span id="score-node-{node_id}" hx-swap-oob="true">{floatformat(group.score.points, 2)}</span>',
        f'<span id="done-node-{node_id}" hx-swap-oob="true">'
        f"{done_html(group.score.answered, group.score.soal_total)}</span>",
        f'<span id="score-section" hx-swap-oob="true">{floatformat(section_score.points, 2)}</span>',
        f'<span id="done-section" hx-swap-oob="true">'
        f"{done_html(section_score.answered, section_score.soal_total)}</span>",
    ]
    if group.derived:
        context = {"node": group.node, "derived": group.derived, "oob": True}
        out.append(render_to_string("penilaian/partials/ws_derived.html", context, request))
    for progress in reply.sections:
        slug = esc(progress.section.slug)
        out.append(f'<span id="progress-{slug}" hx-swap-oob="true">{progress.answered}/{progress.total}</span>')
        if progress.section.slug == reply.section.slug:
            out.append(answered_html(progress, oob=True))
    return mark_safe("\n".join(out))
