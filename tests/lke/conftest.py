from __future__ import annotations

import pytest

from apps.lke.scoring import TemplateSpec
from apps.lke.selectors import template_caches_clear, template_spec
from apps.lke.services import DEFAULT_MASTER, lke_import_file


@pytest.fixture
def lke_template(db: None):
    return lke_import_file(DEFAULT_MASTER).template


@pytest.fixture
def spec(lke_template) -> TemplateSpec:
    template_caches_clear()
    return template_spec(lke_template.pk)
