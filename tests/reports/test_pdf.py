"""The renderer fetches nothing from the network: only our static files, from disk."""

from __future__ import annotations

import logging

import pytest

from apps.reports.pdf import REFUSED, REPORT_BASE_URL, RefusedURL, StaticOnlyURLFetcher, html_to_pdf
from tests.reports.factories import pdf_text

STATIC = REPORT_BASE_URL + "static/"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/css/reports.css",  # our own site, but over the network
        "file:///etc/passwd",
        "ftp://example.com/x",
        STATIC + "../../etc/passwd",
        STATIC + "%2e%2e/%2e%2e/etc/passwd",
        STATIC + "css/does-not-exist.css",
        REPORT_BASE_URL + "media/instansi/1/bukti/x.pdf",  # uploads are never read by the renderer
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(url: str) -> None:
    with pytest.raises(RefusedURL) as excinfo:
        StaticOnlyURLFetcher().fetch(url)
    assert REFUSED in str(excinfo.value)


def test_fetcher_serves_our_print_stylesheet_from_disk() -> None:
    response = StaticOnlyURLFetcher().fetch(STATIC + "css/reports.css")
    body = response.read()
    assert b"@page" in body
    assert response.content_type == "text/css"


def test_remote_image_in_a_report_is_left_out_and_logged(caplog) -> None:
    html = (
        '<html lang="id"><head><title>Uji</title></head>'
        '<body><p>Laporan tanpa jaringan</p><img src="https://example.com/pelacak.png"></body></html>'
    )
    with caplog.at_level(logging.WARNING):
        pdf = html_to_pdf(html)
    assert "Laporan tanpa jaringan" in pdf_text(pdf)
    assert any("https://example.com/pelacak.png" in record.getMessage() for record in caplog.records)
    assert any(REFUSED in record.getMessage() for record in caplog.records)
