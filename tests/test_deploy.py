"""What deploy/ ships holds together without a cluster or an nginx: the Kubernetes manifests name
the image's user, port and probe, and select the same pods; the nginx template has the directives
the operations doc promises, a comment for each, and exactly the placeholders the smoke fills.
`make deploy-smoke` runs `nginx -t` and nginx itself on the template (tests/perf/deploy_smoke.py).

PyYAML comes into the test lock through schemathesis, pybtex and uvicorn."""

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types, and no stubs are locked
from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from tests.perf.deploy_smoke import TEMPLATE, fill_template, header_timeout

KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
PLACEHOLDERS = {"LISTEN", "REPLICA_1", "REPLICA_2", "STATE_DIR"}
UVICORN_KEEP_ALIVE = 5  # seconds: uvicorn's default --timeout-keep-alive, which the image keeps


def manifests() -> dict[str, dict[str, Any]]:
    """Every document of deploy/kubernetes/, by kind."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            assert document["kind"] not in found, f"{path.name}: a second {document['kind']}"
            found[document["kind"]] = document
    return found


def dockerfile(instruction: str) -> str:
    match = re.search(rf"^{instruction} (.+)$", (PROJECT_ROOT / "Dockerfile").read_text(), re.M)
    assert match, f"the Dockerfile has no {instruction}"
    return match[1].strip()


def test_manifests_are_a_deployment_a_service_and_a_disruption_budget() -> None:
    assert sorted(manifests()) == ["Deployment", "PodDisruptionBudget", "Service"]


def test_deployment_runs_the_image_as_its_own_user_read_only() -> None:
    deployment = manifests()["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == "localhost/port-stats:smoke"  # as .ci/image-smoke.sh tags it
    uid, gid = dockerfile("USER").split(":")
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (int(uid), int(gid))
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    (mount,) = container["volumeMounts"]
    (volume,) = pod["volumes"]
    assert mount == {"name": volume["name"], "mountPath": "/tmp"} and "emptyDir" in volume
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory"}


def test_probes_ask_healthz_on_the_port_the_image_serves() -> None:
    (container,) = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": int(dockerfile("EXPOSE"))}
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, probe


def test_service_and_budget_select_the_deployments_pods() -> None:
    found = manifests()
    labels = found["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert found["Deployment"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert found["Service"]["spec"]["selector"].items() <= labels.items()
    assert found["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (port,) = found["Service"]["spec"]["ports"]
    assert port["targetPort"] == "http"
    # One of two replicas may be taken away, never both.
    assert found["PodDisruptionBudget"]["spec"]["minAvailable"] == 1


def nginx_code() -> list[tuple[int, str, str]]:
    """(line number, directive text, its comment) for each line of the template with a directive."""
    lines = TEMPLATE.read_text().splitlines()
    found = []
    for number, line in enumerate(lines, 1):
        code, _, comment = line.partition("#")
        if code.strip() and code.strip() != "}":
            found.append((number, code.strip(), comment.strip()))
    return found


def directive(name: str, text: str | None = None) -> list[str]:
    """The values of every `name` directive in the template (or in `text`)."""
    source = text if text is not None else TEMPLATE.read_text()
    code = "\n".join(line.partition("#")[0] for line in source.splitlines())
    return re.findall(rf"^\s*{name}\s+(.*?)\s*(?:;|\s\{{)\s*$", code, re.M)


def block(opening: str) -> str:
    """The text of the template's block that opens with `opening` (e.g. "upstream port_stats"),
    up to its closing brace, found by indentation."""
    lines = TEMPLATE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(opening + " {"))
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    end = lines.index(indent + "}", start)
    return "\n".join(lines[start + 1 : end])


def test_every_directive_says_why() -> None:
    lines = TEMPLATE.read_text().splitlines()
    missing = []
    for number, code, comment in nginx_code():
        ends_directive = code.endswith((";", "{"))
        explained = comment or lines[number - 2].strip().startswith("#")
        if ends_directive and not explained:
            missing.append(f"{number}: {code}")
    assert not missing, "directives without a comment:\n" + "\n".join(missing)


def test_template_has_exactly_the_placeholders_the_smoke_fills() -> None:
    code = "\n".join(line.partition("#")[0] for line in TEMPLATE.read_text().splitlines())
    assert set(re.findall(r"\$\{([A-Z0-9_]+)\}", code)) == PLACEHOLDERS
    filled = fill_template(dict.fromkeys(PLACEHOLDERS, "x"))
    assert "${" not in "\n".join(line.partition("#")[0] for line in filled.splitlines())
    assert filled.count("{") == filled.count("}")


def test_cache_keys_on_the_method_the_url_and_every_header_the_answers_vary_on(client: TestClient) -> None:
    (key,) = directive("proxy_cache_key")
    for part in ("$request_method", "$scheme", "$host", "$request_uri", "$http_accept ", "$http_accept_encoding"):
        assert part in key + " ", part
    varied: set[str] = set()
    for path in ("/v1/ports", "/v1/observations", "/v1/metrics", "/v1/sources", "/healthz"):
        for encoding in ("identity", "gzip"):
            vary = client.get(path, headers={"Accept-Encoding": encoding}).headers.get("vary", "")
            varied |= {name.strip().lower() for name in vary.split(",") if name.strip()}
    assert varied and varied <= {"accept", "accept-encoding"}, f"answers vary on {varied}: the key must include them"


def test_cache_revalidates_locks_and_serves_stale_but_not_downloads() -> None:
    assert directive("proxy_cache_revalidate") == ["on"]
    assert directive("proxy_cache_lock") == ["on"]
    (stale,) = directive("proxy_cache_use_stale")
    assert {"error", "timeout", "updating", "http_502", "http_503", "http_504"} <= set(stale.split())
    assert not directive("proxy_cache_valid"), "only the replicas' Cache-Control decides what is cached"
    downloads = block("location /v1/downloads/")
    assert directive("proxy_cache", downloads) == ["off"]
    assert directive("proxy_buffering", downloads) == ["off"]
    assert directive("limit_conn", downloads) == ["downloads_at_once 2"]


def test_limits_uvicorn_lacks() -> None:
    assert 0 < header_timeout() <= 30
    assert directive("client_body_timeout") == ["10s"]
    assert directive("large_client_header_buffers") == ["4 8k"]
    assert directive("client_max_body_size") == ["1k"]
    assert {zone.split("zone=")[1].split(":")[0] for zone in directive("limit_req_zone")} == {"requests_per_client"}
    assert len(directive("limit_conn_zone")) == 2


def test_upstream_retries_elsewhere_and_never_reuses_a_closing_connection() -> None:
    servers = directive("server")
    assert servers == ["${REPLICA_1} max_fails=1 fail_timeout=5s", "${REPLICA_2} max_fails=1 fail_timeout=5s"]
    assert directive("keepalive") == ["32"]
    (timeout,) = directive("keepalive_timeout", block("upstream port_stats"))
    assert int(timeout.removesuffix("s")) < UVICORN_KEEP_ALIVE
    assert "error" in directive("proxy_next_upstream")[0].split()
    assert directive("proxy_http_version") == ["1.1"]


def test_the_makefile_runs_the_smoke() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^deploy-smoke: .*\n(\t.*\n)*\t\$\(BIN\)/python -m tests\.perf\.deploy_smoke$", makefile, re.M)
    assert Path(PROJECT_ROOT / "tests" / "perf" / "deploy_smoke.py").is_file()
