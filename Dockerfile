# LakeSail Console (with the embedded local platform) served by gunicorn.
#   docker build -t lakesail-console .
#   docker run --rm -p 8000:8000 --env-file .env lakesail-console
# Required at run time: SECRET_KEY, ALLOWED_HOSTS (DEBUG is off); see .env.example for the rest.
# Apply migrations as a release step: docker run --rm --env-file .env lakesail-console python manage.py migrate
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    WEB_CONCURRENCY=2

WORKDIR /app

# Dependencies first (pinned in pyproject.toml, no dev extra), so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself, editable so that templates/ and static/ stay beside the code in /app.
COPY . .
RUN pip install --no-deps -e . \
    && DEBUG=false ALLOWED_HOSTS=build.invalid \
       SECRET_KEY=build-only-dummy-key-never-used-at-run-time-0123456789 \
       python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home lakesail \
    && mkdir -p /app/var \
    && chown lakesail:lakesail /app/var

USER lakesail
EXPOSE 8000

# Healthy when the app answers HTTP below 500 (a redirect to HTTPS counts). The Host header is the
# first of ALLOWED_HOSTS, so Django accepts the request without logging a DisallowedHost error.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "-c", "import http.client, os, sys; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost') or 'localhost'; c = http.client.HTTPConnection('127.0.0.1', int(os.environ.get('PORT', '8000')), timeout=4); c.request('GET', '/sign-in', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); sys.exit(c.getresponse().status >= 500)"]

# gunicorn binds 0.0.0.0:$PORT and starts $WEB_CONCURRENCY workers (both read from the environment;
# more options through GUNICORN_CMD_ARGS). gunicorn.conf.py sets the logs: the access log has the path
# without its query string, and tokens in paths are masked in every line.
CMD ["gunicorn", "--config", "gunicorn.conf.py", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket", \
     "console.wsgi"]
