"""The platform's own WSGI application: an API request with only the middleware an API request needs.

The console calls the embedded platform in-process through this app (settings.LAKESAIL_EMBEDDED_WSGI,
named by string so the console never imports localplatform). Served over HTTP, the same routes go
through the project's whole middleware stack, where every console middleware lets /api/ and /_local/
requests pass untouched; here they are left out: the platform's edge middleware (request ids, input
rules, Error objects) is all an API request meets, and only the platform's URLs resolve. The host the
console sends is one it has already validated for the browser's own request.
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string

URLCONF = "localplatform.api.urls"
MIDDLEWARE = ["localplatform.api.middleware.PlatformApiMiddleware"]


class PlatformHandler(WSGIHandler):
    """Django's WSGI handler with the platform's middleware and URLs only."""

    def load_middleware(self, is_async=False):
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(MIDDLEWARE):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler

    def get_response(self, request):
        request.urlconf = URLCONF
        return super().get_response(request)


application = PlatformHandler()
