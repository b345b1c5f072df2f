"""Channels beyond the in-app notice and e-mail: SMS or enterprise messaging (企业微信, 钉钉).

A deployment plugs its own in with the setting ``ZHIBEN_MESSENGER`` (environment variable of the same
name), the dotted path of a class that takes no arguments and has ``send(messages)``; an empty value turns
the channel off. The default, :class:`LogMessenger`, only writes a log line per message, so that a new
installation shows what it would send without sending anything. docs/operators.md has an example.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One notice as a messenger receives it: the user's account name (企业微信/钉钉 user ids are usually
    the same), phone and e-mail as the account holds them (may be empty), the title, body and the link
    (a path of this site: prefix the site's address)."""

    username: str
    phone: str
    email: str
    title: str
    body: str
    link: str


class Messenger(Protocol):
    """What a channel implements: send each message, or raise (the task queue logs the failure; the
    in-app notice is kept whatever happens here)."""

    def send(self, messages: Sequence[Message]) -> None: ...


class LogMessenger:
    """The default channel: one INFO line per message on the ``zhiben.notifications.channels`` logger
    (no phone number in the line, only whether there is one)."""

    def send(self, messages: Sequence[Message]) -> None:
        for m in messages:
            log.info("notice for %s (phone: %s): %s", m.username, "yes" if m.phone else "none", m.title)


@cache
def _messenger_class(path: str) -> type[Messenger]:
    cls: type[Messenger] = import_string(path)
    return cls


def messenger() -> Messenger | None:
    """The configured channel (``ZHIBEN_MESSENGER``), or None when it is turned off. Raises ImportError
    for a path that does not name a class."""
    path = settings.ZHIBEN_MESSENGER
    return _messenger_class(path)() if path else None
