"""Several web nodes behind a load balancer behave as one (issue 23).

Two gunicorn nodes (production settings: ``zi.settings.base``, DEBUG off, one shared secret, the
test database, the shared Redis cache under one prefix) behind a real HAProxy started here
(``balance roundrobin``, no stickiness), each person's consecutive requests sent to alternate nodes
(HAProxy names the node that answered in ``X-ZI-Node``). Walked with an HTTP client, as a browser would:
the session and the CSRF token minted by one node are honoured by the other, a flash message set on
one shows on the other, the failed-login limit and the PortalRB per-token limit (counters in the
shared cache) count across nodes, a stale edit is refused
whichever node the two editors reach, and a logout on one node ends the session on both.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from apps.accounts.models import User
from apps.portalrb.services import portalrb_token_issue
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Pegawai
from tests.components import HAProxy, free_port, port_open, stop, wait_for
from tests.conftest import PASSWORD, World
from tests.factories import PegawaiFactory
from tests.ops.helpers import ROOT
from tests.ops.test_backup import database_url

pytestmark = pytest.mark.django_db(transaction=True)  # the nodes are other processes: data must be committed

LOGIN_LIMIT = 3  # failed logins per account, whichever node counts them
PORTALRB_LIMIT = 4  # PortalRB requests per token and minute


@dataclass
class Cluster:
    url: str
    nodes: list[subprocess.Popen[bytes]]
    cache_prefix: str


def _node_env(var_dir: Path, cache_prefix: str, secret: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "zi.settings.base",
        "DEBUG": "false",
        "ZI_DEMO": "false",
        "SECRET_KEY": secret,
        # Production requires the audit key (zi.E011); every node of a deployment shares one, here the
        # suite's, so the rows the nodes seal verify in this process too.
        "AUDIT_KEY": settings.AUDIT_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "ZI_HTTPS": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "REDIS_CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "CACHE_KEY_PREFIX": cache_prefix,
        "ZI_QUEUE_PREFIX": settings.CELERY_TASK_DEFAULT_QUEUE,  # this run's queues, never production's
        "ZI_RATE_LOGIN_FAILED": f"1000/m/ip,{LOGIN_LIMIT}/5m/key",
        "ZI_PORTALRB_RATE": f"{PORTALRB_LIMIT}/min",
        "ZI_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


def _production_password(*users: User) -> None:
    """The test settings hash with MD5 (fast); the nodes run production settings, which know only
    the standard hashers: store the password as PBKDF2 (few iterations: the test stays quick)."""
    for user in users:
        encoded = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
        User.objects.filter(pk=user.pk).update(password=encoded)


@pytest.fixture
def cluster(world: World) -> Iterator[Cluster]:
    _production_password(world.ani, world.dodi)
    var_dir = Path(tempfile.mkdtemp(prefix="zi-nodes-"))
    prefix = f"zi-nodes-{os.getpid()}-{secrets.token_hex(4)}"
    env = _node_env(var_dir, prefix, secrets.token_urlsafe(50))
    ports = [free_port(), free_port()]
    nodes = [
        subprocess.Popen(  # noqa: S603 (the production server of the image, our arguments)
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "zi.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=(var_dir / f"node{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n, port in enumerate(ports, 1)
    ]
    proxy = HAProxy(workdir=var_dir, backends=ports)
    try:
        for node, port in zip(nodes, ports, strict=True):
            wait_for(lambda port=port: port_open(port), what=f"gunicorn on {port}", process=node)
        proxy.start()
        base = f"http://127.0.0.1:{proxy.port}"
        wait_for(lambda: _healthy(base), what="both nodes healthy behind haproxy")
        yield Cluster(url=base, nodes=nodes, cache_prefix=prefix)
    finally:
        proxy.stop()
        for node in nodes:
            stop(node, signal.SIGTERM)
        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
        shutil.rmtree(var_dir, ignore_errors=True)


def _healthy(base: str) -> bool:
    try:
        seen = {requests.get(f"{base}/sehat/", timeout=5).headers.get("X-ZI-Node") for _ in range(4)}
    except requests.RequestException:
        return False
    return seen == {"node1", "node2"}


class Browser:
    """One person's cookie jar; every request records the node that answered it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.nodes: list[str] = []

    def _next_node(self) -> dict[str, str]:
        """Each request to the node the previous one did not reach (HAProxy honours the wish)."""
        return {"X-ZI-Want-Node": "node2" if self.nodes and self.nodes[-1] == "node1" else "node1"}

    def get(self, path: str) -> requests.Response:
        response = self.session.get(self.base + path, headers=self._next_node(), allow_redirects=False, timeout=30)
        self.nodes.append(response.headers["X-ZI-Node"])
        return response

    def post(self, path: str, data: dict[str, str], *, token_from: str | None = None) -> requests.Response:
        """POST a form the way a browser does: the CSRF token of the page the form was on."""
        page = self.get(token_from or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {token_from or path}"
        response = self.session.post(
            self.base + path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers={"Referer": self.base + (token_from or path), **self._next_node()},
            allow_redirects=False,
            timeout=30,
        )
        self.nodes.append(response.headers["X-ZI-Node"])
        return response

    def login(self, email: str, password: str) -> requests.Response:
        return self.post(reverse("account_login"), {"login": email, "password": password})


def _version(page: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "no version field on the page"
    return int(found.group(1))


def _alternated(nodes: list[str]) -> bool:
    return len(nodes) >= 4 and {"node1", "node2"} <= set(nodes) and all(a != b for a, b in itertools.pairwise(nodes))


def test_a_journey_across_two_nodes_behaves_as_on_one(cluster: Cluster, world: World) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, name="Sari Wulandari")
    edit = reverse("unit_kerja:pegawai-update", args=[pegawai.public_id])

    ani = Browser(cluster.url)
    response = ani.login(world.ani.email, PASSWORD)  # the token from one node, the POST on the other
    assert response.status_code == 302, response.text[:500]
    assert ani.get(reverse("accounts:profile")).status_code == 200  # the session, on the next node
    form = ani.get(edit)
    assert form.status_code == 200
    version = _version(form.text)

    # The same person on a second device opens the same form before the first saves.
    tablet = Browser(cluster.url)
    assert tablet.login(world.ani.email, PASSWORD).status_code == 302
    assert _version(tablet.get(edit).text) == version

    fields = {"nip": pegawai.nip, "position": "", "rank": "", "email": ""}
    saved = ani.post(edit, {**fields, "name": "Sari Pertama", "version": str(version)})
    assert saved.status_code == 302
    landing = ani.get(saved.headers["Location"])  # the flash message crosses to the other node
    assert "Sari Pertama telah disimpan." in landing.text
    assert "telah disimpan" not in ani.get(saved.headers["Location"]).text  # shown once, then gone
    refused = tablet.post(edit, {**fields, "name": "Sari Kedua", "version": str(version)})
    assert refused.status_code == 200  # the form again, the person's input kept, nothing saved
    assert "Sari Kedua" in refused.text
    assert _version(refused.text) == version + 1
    pegawai_row = Pegawai.unscoped.get(pk=pegawai.pk)
    assert (pegawai_row.name, pegawai_row.version) == ("Sari Pertama", version + 1)

    # Logging out on one node ends the session on both.
    assert ani.post(reverse("account_logout"), {}).status_code == 302
    for _ in range(2):
        gone = ani.get(reverse("accounts:profile"))
        assert gone.status_code == 302
        assert gone.headers["Location"].startswith(reverse("account_login"))

    assert _alternated(ani.nodes), ani.nodes
    assert _alternated(tablet.nodes), tablet.nodes


def test_the_failed_login_limit_counts_across_nodes(cluster: Cluster, world: World) -> None:
    intruder = Browser(cluster.url)
    for attempt in range(LOGIN_LIMIT):
        response = intruder.login(world.dodi.email, f"tebakan-salah-{attempt}")
        assert response.status_code == 200  # the form again, with the error
        assert "sessionid" not in intruder.session.cookies
    # Over the limit, even the right password is refused for now, on whichever node answers.
    for _ in range(2):
        refused = intruder.login(world.dodi.email, PASSWORD)
        assert refused.status_code in {200, 429}
        assert "sessionid" not in intruder.session.cookies
    assert _alternated(intruder.nodes), intruder.nodes
    # The counter lives once, in the shared cache (one prefix for both nodes), not per node.
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        assert any(b"login_failed" in key for key in client.scan_iter(match=f"{cluster.cache_prefix}:*"))
    finally:
        client.close()
    # Another person is not affected.
    other = Browser(cluster.url)
    assert other.login(world.ani.email, PASSWORD).status_code == 302


def test_the_portalrb_rate_limit_counts_across_nodes(cluster: Cluster, world: World) -> None:
    """The per-token counter is one value in the shared cache: the fifth pull in a minute is refused
    whichever node it reaches; another instansi's token has its own."""
    with scope(world.instansi_a.pk):
        raw_a = portalrb_token_issue(instansi=world.instansi_a, actor=None).raw
    with scope(world.instansi_b.pk):
        raw_b = portalrb_token_issue(instansi=world.instansi_b, actor=None).raw
    path = reverse("portalrb_api:unit-wbk")
    pulls = Browser(cluster.url)
    pulls.session.headers["Authorization"] = f"Bearer {raw_a}"
    statuses = [pulls.get(path).status_code for _ in range(PORTALRB_LIMIT + 2)]
    assert statuses == [200] * PORTALRB_LIMIT + [429, 429]
    assert _alternated(pulls.nodes), pulls.nodes
    other = Browser(cluster.url)
    other.session.headers["Authorization"] = f"Bearer {raw_b}"
    assert other.get(path).status_code == 200
