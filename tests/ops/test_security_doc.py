"""docs/security.md stays true to the tree: every chapter V1–V17 is there, every link points at a
file that exists, and the tests that prove the ASVS items are linked."""

from __future__ import annotations

import fnmatch
import re

from tests.ops.helpers import ROOT

DOC = ROOT / "docs" / "security.md"
LINK = re.compile(r"\]\((\.\./[^)#\s]+)\)")


def test_every_chapter_is_mapped() -> None:
    text = DOC.read_text(encoding="utf-8")
    for chapter in range(1, 18):
        assert re.search(rf"^## V{chapter} ", text, re.MULTILINE), f"V{chapter} missing"
    for rule in ("SPBE", "BSSN", "UU PDP 27/2022", "3 × 24"):
        assert rule in text


def test_every_link_points_at_an_existing_file() -> None:
    links = LINK.findall(DOC.read_text(encoding="utf-8"))
    assert len(links) > 40
    missing = sorted({link for link in links if not (DOC.parent / link).resolve().exists()})
    assert missing == []


def test_the_security_tests_are_linked() -> None:
    linked = {(DOC.parent / link).resolve() for link in LINK.findall(DOC.read_text(encoding="utf-8"))}
    for test in ("audit/test_chain.py", "accounts/test_security.py", "accounts/test_login.py",
                 "ops/test_header_crawl.py", "ops/test_security_headers.py", "ops/test_deploy_checks.py",
                 "ops/test_backup.py", "isolation/test_isolation.py"):  # fmt: skip
        assert ROOT / "tests" / test in linked, test


TEST_FILE = re.compile(r"\]\(\.\./(tests/[^)#\s]+\.py)\)")
TEST_NAME = re.compile(r"`(test_[A-Za-z0-9_*]+)`")


def _defined_tests(path: str) -> set[str]:
    source = (ROOT / path).read_text(encoding="utf-8")
    return set(re.findall(r"^(?:async )?def (test_\w+)\(", source, re.MULTILINE))


def test_every_test_named_in_the_map_exists() -> None:
    """A test named in a row (`test_name`, or a pattern such as `test_*_is_audited`) is defined in one
    of the test files that row links: a renamed or deleted test cannot leave the map claiming it."""
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    named = 0
    for row in rows:
        names = TEST_NAME.findall(row)
        if not names:
            continue
        files = TEST_FILE.findall(row)
        assert files, f"a row names tests but links no test file: {row[:120]}"
        defined = set().union(*(_defined_tests(path) for path in files))
        for name in names:
            named += 1
            assert fnmatch.filter(defined, name), f"{name} is not defined in {files}"
    assert named > 30


# The findings of issue 18, each of which must have a row in the issue's table with a linked test.
ISSUE_18_FINDINGS = (
    "Reports ignored unit narrowing and TPI assignment",
    "The evidence store was readable by any member",
    "without consent",
    "CPU denial of service by import",
    "Formula injection",
    "The public signing page showed the NIP",
    "The audit chain was unkeyed",
    "Downloads and exports of personal data wrote no audit row",
    "Cache-Control: no-store",
    "spooled fully to disk",
    "The download name was the uploaded name",
    "`/api/v1/` had no rate limit",
    "Reset links used the request's Host",
    "`migrate` on a fresh cluster",
    "never checked that the owner reaches the URL",
    "No intra-instansi checks",
    "No intra-instansi checks on list pages",
    "Audit writes could be turned into no-ops",
)


def test_every_finding_of_issue_18_has_a_row_with_its_test() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Issue 18", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| finding")]
    for finding in ISSUE_18_FINDINGS:
        matching = [
            row for row in rows if row.split("|")[1].strip().startswith(finding) or finding in row.split("|")[1]
        ]
        assert matching, f"issue 18 finding without a row: {finding}"
        assert all(TEST_FILE.search(row) for row in matching), f"no linked test for: {finding}"
