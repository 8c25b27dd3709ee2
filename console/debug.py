"""Error reports that never show secrets, even in DEBUG tracebacks."""

import re

from django.views.debug import SafeExceptionReporterFilter

SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|PASS_|KEY|SIGNATURE|COOKIE|AUTHORIZATION|DPOP|CREDENTIAL", re.I)


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """Also hides frame variables and dict entries whose names look secret (Django hides only settings)."""

    hidden_settings = SECRET_NAME

    def get_traceback_frame_variables(self, request, tb_frame):
        cleansed = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if SECRET_NAME.search(name):
                value = self.cleansed_substitute
            elif isinstance(value, dict):
                value = self.cleanse_setting(name, value)
            else:
                text = repr(value)
                if any(marker in text for marker in ("accessToken", "refreshToken", "Bearer ", "DPoP ")):
                    value = self.cleansed_substitute
            cleansed.append((name, value))
        return cleansed
