#!/usr/bin/env bash
# make image-smoke: build the image with podman, run it, and check that it answers.
# Not part of CI (it takes minutes). Made for a root Debian 12 machine without Docker or systemd,
# whose network reaches only the package registries, so no base image can be pulled:
#   - the base is assembled from Debian packages with mmdebstrap and imported into podman;
#   - crun fails here, so runc; podman's default ulimits exceed this machine's hard limits;
#   - --format docker, or the image loses its HEALTHCHECK (OCI images have none);
#   - without systemd, podman logs "unable to get systemd connection" about healthcheck timers:
#     harmless, the check is run by hand below instead.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/port-stats:smoke}
BASE_IMAGE=${BASE_IMAGE:-localhost/python-base:bookworm}
BASE_TAR=${BASE_TAR:-/var/tmp/port-stats/base.tar}  # only read when $BASE_IMAGE is missing
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
NAME=port-stats-smoke-$$
RUNTIME=(--runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

for tool in buildah podman mmdebstrap runc curl; do
    if ! command -v "$tool" >/dev/null; then
        echo "== installing buildah podman mmdebstrap runc curl"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq buildah podman mmdebstrap runc curl >/dev/null
        break
    fi
done

if ! podman image exists "$BASE_IMAGE"; then
    if [ ! -s "$BASE_TAR" ]; then
        echo "== assembling $BASE_TAR (Debian bookworm, minbase, python3)"
        mkdir -p "$(dirname "$BASE_TAR")"
        mmdebstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$BASE_TAR"
    fi
    echo "== importing $BASE_TAR as $BASE_IMAGE"
    podman import --change 'ENV LANG=C.UTF-8' "$BASE_TAR" "$BASE_IMAGE"
fi

echo "== building $IMAGE from $BASE_IMAGE"
# The CA bundle goes in as a build secret: pip uses it, no layer keeps it.
podman build "${RUNTIME[@]}" --format docker \
    --secret id=ca,src="$CA_BUNDLE" \
    --build-arg PYTHON_IMAGE="$BASE_IMAGE" \
    -t "$IMAGE" .

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
trap 'echo "== removing $NAME"; podman rm -f -t 5 "$NAME" >/dev/null' EXIT

echo "== running $NAME on $URL"
start=$(date +%s.%N)
podman run -d --name "$NAME" "${RUNTIME[@]}" -p "127.0.0.1:$PORT:8000" "$IMAGE" >/dev/null
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200 ]; do
    if [ "$(podman inspect -f '{{.State.Running}}' "$NAME")" != true ]; then
        podman logs "$NAME"
        echo "FAIL: the container stopped" >&2
        exit 1
    fi
    if (($(date +%s) - ${start%.*} > 60)); then
        podman logs "$NAME"
        echo "FAIL: no 200 from /healthz within 60 s" >&2
        exit 1
    fi
    sleep 0.05
done
ready=$(date +%s.%N)

echo "== GET /healthz"
curl -sS -i --fail "$URL/healthz"
echo
echo "== GET /v1/ports (first 300 bytes)"
# Read whole, then cut: head closing the pipe early made curl fail (23) under pipefail.
ports=$(curl -sS --fail "$URL/v1/ports")
echo "${ports:0:300}"
echo
echo "== HEALTHCHECK, run by hand (no systemd timer here)"
podman healthcheck run "$NAME"
echo healthy
echo "== user in the container: $(podman exec "$NAME" id)"
echo "== container logs"
podman logs "$NAME"

size=$(podman image inspect -f '{{.Size}}' "$IMAGE")
echo "== image $IMAGE: $((size / 1000000)) MB"
echo "== from podman run to the first 200: $(python3 -c "print(f'{$ready - $start:.2f}')") s"
