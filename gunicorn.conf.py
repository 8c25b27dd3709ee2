"""gunicorn's logs (the Dockerfile runs `gunicorn --config gunicorn.conf.py ... console.wsgi`): no query strings,
no tokens.

The address comes from $PORT (0.0.0.0:$PORT) and the number of workers from $WEB_CONCURRENCY, as gunicorn reads
them by default; other options go in GUNICORN_CMD_ARGS. Django's own log lines are set up by settings.LOGGING.
"""

import gc

accesslog = "-"
# The path without its query string (%(U)s: reset and verification links carry their token in the query), and
# no referrer (it can be a token page's URL). Token paths (/invitations/<token>) are masked by the filter below.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

# gunicorn's access and error logs go through the same token filter as the rest of the project's logs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "console.logs.RedactTokens"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
            "filters": ["redact_tokens"],
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}


def post_worker_init(worker):
    """The app is loaded: keep what start-up made (modules, settings, models, URL patterns) out of the garbage
    collector's sight, so a full collection walks only what requests create, not 150,000 start-up objects."""
    gc.freeze()
