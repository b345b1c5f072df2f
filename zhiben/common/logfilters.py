"""Logging filters: what must never be written to a log."""

from __future__ import annotations

import logging
import re

_RECEIPT_PATH = re.compile(r"(/tips/by-receipt/)[^/\s\"'?]+")


class RedactReceipts(logging.Filter):
    """A tip's receipt code is the tipster's only key: paths that carry one are logged without it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/by-receipt/" in message:
            record.msg = _RECEIPT_PATH.sub(r"\1***", message)
            record.args = ()
        return True


class RefusalsWithoutTraceback(logging.Filter):
    """A refusal (a 4xx: permission denied, a request Django finds suspicious) is not an error of ours: one
    WARNING line naming the status, the path and the user, without a traceback. Only a 5xx keeps its
    traceback (and its level). Django logs a 403 from ``PermissionDenied`` with the exception attached,
    which would print its traceback as if something had broken."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or status >= 500:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and getattr(user, "is_authenticated", False) else "anonymous"
        what = record.getMessage().split(":", 1)[0]  # Django's "Forbidden (Permission denied)", "Not Found"…
        record.msg = "%s: %s %s (user %s)"
        record.args = (what, status, getattr(request, "path", ""), who)
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True
