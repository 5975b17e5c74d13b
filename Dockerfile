# The API as an image that carries its own data: the database is seeded at build time and
# never changes, so a container needs no volume and any number of them serve the same answers.
ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS build
# PIP_CONFIG_FILE=/dev/null: only PyPI, whatever pip configuration the base or the host has.
ENV PIP_CONFIG_FILE=/dev/null \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /srv
# The lock alone first, so this layer is rebuilt only when the dependencies change: exact
# versions, each file checked against its hash.
COPY .ci/requirements.txt ./requirements.txt
# A CA bundle, where the network needs one, comes as the optional build secret `ca`:
# pip reads it from a tmpfs, and it is never written into a layer.
RUN --mount=type=secret,id=ca,required=false \
    python3 -m venv /opt/venv \
 && if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
 && pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml ./
COPY app/ app/
COPY migrations/ migrations/
COPY seeds/ seeds/
# Seeding checks every figure against its article: a bad figure fails the build.
RUN DATABASE_URL=sqlite:////srv/data/ports.db python -m app.seed

FROM ${PYTHON_IMAGE}
# A fixed numeric id, so that an orchestrator can check that the container does not run as root.
RUN groupadd --gid 10001 app \
 && useradd --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
# What the server reads: the code, the database and the seeds. All owned by root: the app user can only read them.
COPY --from=build /srv/app/ /srv/app/
COPY --from=build /srv/data/ /srv/data/
# The seeds too: the schema's examples name their ids (app/seed_files.py).
COPY --from=build /srv/seeds/ /srv/seeds/
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////srv/data/ports.db
WORKDIR /srv
USER 10001:10001
EXPOSE 8000
# The base image has no curl; urlopen raises, and so exits non-zero, on anything but a 2xx.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Workers per container: WEB_CONCURRENCY (uvicorn reads it itself), default 1.
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--no-server-header"]
