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
