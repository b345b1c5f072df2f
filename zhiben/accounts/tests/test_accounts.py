"""The sign-in page as a user meets it after a lapsed session."""

from __future__ import annotations


def test_the_login_page_says_why_when_it_was_sent_from_a_page(client) -> None:
    """After a lapsed session the user is told the page's input is kept (forms.js restores the draft)."""
    sent = client.get("/accounts/login/", {"next": "/hazards/new/"}).content.decode()
    assert "登录可能已过期" in sent and "自动恢复" in sent
    assert "登录可能已过期" not in client.get("/accounts/login/").content.decode()
