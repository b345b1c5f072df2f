"""Forms on a weak phone connection (forms.js): what was typed and chosen survives an expired security
token, the button pressed once is disabled and the form is sent once, photos are shrunk in the browser
(EXIF orientation applied) and sent with a progress bar."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect

from zhiben.hazards.models import Hazard
from zhiben.tips.models import Tip

from .conftest import PHONE, _context
from .test_enterprise_register import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "烟花爆竹仓库超量储存，仓库就在居民楼一楼，晚上还有人在里面抽烟"


@pytest.fixture
def _public_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def _noise_jpeg(path: Path, size: tuple[int, int], *, orientation: int | None = None) -> None:
    """A photo that does not compress well (so that it is over the shrinking threshold)."""
    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(path, "JPEG", quality=95, exif=exif.tobytes())


def _draft_saved(page: Page) -> None:
    """Wait until the draft (fields in localStorage, files in IndexedDB) holds the chosen file."""
    page.wait_for_function(
        """() => new Promise(resolve => {
            const req = indexedDB.open("zhiben-drafts", 1);
            req.onsuccess = () => {
              const db = req.result;
              if (!db.objectStoreNames.contains("files")) { db.close(); return resolve(false); }
              const tx = db.transaction("files", "readonly");
              const all = tx.objectStore("files").getAllKeys();
              all.onsuccess = () => { db.close(); resolve(all.result.length > 0); };
            };
            req.onerror = () => resolve(false);
        })"""
    )
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('zb-draft:'))")


@pytest.mark.usefixtures("_public_limits")
def test_a_tip_survives_an_expired_token_with_its_photo(live_server, browser: Browser, tmp_path) -> None:
    seed()
    before = set(Tip.objects.values_list("pk", flat=True))
    photo = tmp_path / "现场.png"
    Image.new("RGB", (320, 240), "orange").save(photo, "PNG")
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        page.goto(f"{live_server.url}/tips/report/")
        page.fill("#id_place", "秀山县清溪场镇")
        page.select_option("#id_category", "major_hazard")
        page.fill("#id_description", DESCRIPTION)
        page.fill("#id_phone", "139 1234 5678")
        page.fill("#id_name", "王五")
        page.set_input_files("#id_files", str(photo))
        _draft_saved(page)
        # the reporter's identity is never kept on the device (a shared phone keeps drafts)
        kept = page.evaluate("JSON.stringify(localStorage)")
        assert "王五" not in kept and "1234" not in kept and DESCRIPTION in kept
        # the tab restored after the browser was closed: the CSRF cookie is gone
        page.context.clear_cookies()
        page.click("#tip-report button[type=submit]")
        expect(page.locator("#csrf-failure h1")).to_contain_text("页面已过期")
        assert not set(Tip.objects.values_list("pk", flat=True)) - before  # nothing accepted, nothing replayed
        page.click("#csrf-back")
        # the form again, as it was: the text and the chosen photo put back from the browser's draft
        expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
        expect(page.locator("#id_place")).to_have_value("秀山县清溪场镇")
        expect(page.locator("#id_name")).to_have_value("")  # typed again, or left anonymous
        expect(page.locator(".draft-note")).to_contain_text("已恢复")
        assert page.evaluate("document.querySelector('#id_files').files[0].name") == "现场.png"
        page.click("#tip-report button[type=submit]")
        expect(page.locator("#receipt")).to_be_visible()
        tip = Tip.objects.exclude(pk__in=before).get()
        assert tip.attachments.count() == 1
        # reloading the receipt page sends nothing again; the draft is gone once the tip was accepted
        page.reload()
        expect(page.locator("#receipt")).to_be_visible()
        assert Tip.objects.exclude(pk__in=before).count() == 1
        page.goto(f"{live_server.url}/tips/report/")
        expect(page.locator("#id_description")).to_have_value("")
        assert page.evaluate("document.querySelector('#id_files').files.length") == 0
        assert problems.errors == [] or all("403" in e for e in problems.errors), problems.errors
    finally:
        contexts.close()


@pytest.mark.usefixtures("_public_limits")
@pytest.mark.parametrize("with_photo", [True, False], ids=["photo", "text-only"])
def test_back_after_an_expired_page_returns_to_the_form_with_its_draft(
    live_server, browser: Browser, tmp_path, with_photo: bool
) -> None:
    """The browser's Back button on the expired-page answer leads to the form, not to the page before it,
    with the typed text put back (and the photo, where the browser kept it)."""
    seed()
    photo = tmp_path / "仓库.png"
    Image.new("RGB", (320, 240), "red").save(photo, "PNG")
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        page.goto(f"{live_server.url}/")
        page.goto(f"{live_server.url}/tips/report/")
        page.fill("#id_place", "秀山县中和街道")
        page.select_option("#id_category", "major_hazard")
        page.fill("#id_description", DESCRIPTION)
        if with_photo:
            page.set_input_files("#id_files", str(photo))
            _draft_saved(page)
        else:
            page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('zb-draft:'))")
        page.context.clear_cookies()
        page.click("#tip-report button[type=submit]")
        failure = page.locator("#csrf-failure")
        expect(failure.locator("h1")).to_contain_text("页面已过期")
        expect(failure).to_contain_text("填写的文字")
        expect(failure).to_contain_text("重新选择")
        expect(page.locator("#csrf-back")).to_have_attribute("href", "/tips/report/")
        page.go_back()
        expect(page).to_have_url(f"{live_server.url}/tips/report/")
        expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
        expect(page.locator("#id_place")).to_have_value("秀山县中和街道")
        if with_photo:
            page.wait_for_function("document.querySelector('#id_files').files.length === 1")
            assert page.evaluate("document.querySelector('#id_files').files[0].name") == "仓库.png"
        assert all("403" in e for e in problems.errors), problems.errors
    finally:
        contexts.close()


@pytest.mark.usefixtures("_public_limits")
def test_the_button_pressed_once_is_disabled_and_the_form_sent_once(live_server, browser: Browser) -> None:
    seed()
    before = set(Tip.objects.values_list("pk", flat=True))
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        page.goto(f"{live_server.url}/tips/report/")
        page.fill("#id_place", "秀山县清溪场镇")
        page.fill("#id_description", DESCRIPTION)
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        # a tap, then a second tap and a second submission by script, all before any answer can come back
        state = page.evaluate(
            """() => {
                const form = document.querySelector('#tip-report');
                const button = form.querySelector('button[type=submit]');
                button.click();
                const after = [button.disabled, button.textContent];
                button.click();
                form.requestSubmit();
                return after;
            }"""
        )
        assert state == [True, "正在提交…"]
        expect(page.locator("#receipt")).to_be_visible()
        assert len(posts) == 1 and Tip.objects.exclude(pk__in=before).count() == 1
        assert problems.errors == []
    finally:
        contexts.close()


def test_a_big_photo_is_shrunk_upright_before_it_is_sent_with_progress(
    live_server, browser: Browser, tmp_path, settings
) -> None:
    seed()
    big = tmp_path / "手机原图.jpg"
    _noise_jpeg(big, (3600, 2400), orientation=6)  # stored landscape, shown portrait (rotated 90°)
    assert big.stat().st_size > 2 * 1024 * 1024
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        sign_in(page, live_server.url, "firm")
        hazard = Hazard.objects.filter(enterprise__credit_code="91500241MA5U0DEM30", status="open").first()
        assert hazard is not None, "the demo has an open hazard of the demo firm"
        page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
        page.set_input_files("#attach-form input[type=file]", str(big))
        expect(page.locator("#attach-form .chosen-files")).to_contain_text("照片已缩小")
        shrunk = page.evaluate(
            """async () => {
                const f = document.querySelector('#attach-form input[type=file]').files[0];
                const b = await createImageBitmap(f);
                return {name: f.name, type: f.type, size: f.size, w: b.width, h: b.height};
            }"""
        )
        assert shrunk["type"] == "image/jpeg" and shrunk["name"] == "手机原图.jpg"
        assert max(shrunk["w"], shrunk["h"]) == 2560 and shrunk["h"] > shrunk["w"]  # upright, long side 2560
        assert shrunk["size"] < big.stat().st_size
        held: list[Route] = []
        page.route(
            f"**/hazards/{hazard.pk}/attach/",
            lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
        )
        count = hazard.attachments.count()
        page.click("#attach-form button[type=submit]")
        expect(page.locator("#attach-form progress.upload")).to_be_visible()  # sent by XHR, with progress
        for _ in range(200):  # the route's handler runs when Playwright next reads the browser's events
            if held:
                break
            page.wait_for_timeout(50)
        assert len(held) == 1
        held[0].continue_()
        expect(page.locator(".msg.success")).to_contain_text("已上传 1 个文件")
        kept = hazard.attachments.order_by("-pk").first()
        assert hazard.attachments.count() == count + 1 and kept is not None
        with Image.open(io.BytesIO(kept.file.read())) as img:
            assert img.size[1] == 2560 and img.size[0] < img.size[1]
        assert problems.errors == []
    finally:
        contexts.close()


def test_chosen_photos_survive_a_page_of_errors(live_server, browser: Browser, tmp_path) -> None:
    seed()
    photo = tmp_path / "现场.png"
    Image.new("RGB", (320, 240), "teal").save(photo, "PNG")
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        sign_in(page, live_server.url, "firm")
        page.goto(f"{live_server.url}/hazards/new/")
        page.check("input[name=level][value=general]")
        page.fill("#id_location", "2号储罐区")
        page.set_input_files("#id_files", str(photo))
        _draft_saved(page)
        page.click("#hazard-form button[type=submit]")  # no title: refused
        expect(page.locator("#hazard-form .field-error").first).to_be_visible()
        # the page of errors keeps what was typed (server) and what was chosen (the browser's draft)
        expect(page.locator("#id_location")).to_have_value("2号储罐区")
        page.wait_for_function("document.querySelector('#id_files').files.length === 1")
        page.fill("#id_title", "储罐区静电接地失效")
        page.click("#hazard-form button[type=submit]")
        expect(page.locator("main h1")).to_have_text("储罐区静电接地失效")
        hazard = Hazard.objects.filter(title="储罐区静电接地失效", created_by__username="firm").latest("id")
        assert hazard.attachments.count() == 1
        assert [e for e in problems.errors if "status of 422" not in e] == [], problems.errors
    finally:
        contexts.close()


def test_a_draft_is_its_typists_and_signing_out_forgets_it(live_server, browser: Browser) -> None:
    """Another officer on the same phone never sees what the first typed; signing out forgets it."""
    seed()
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        sign_in(page, live_server.url, "county")
        page.goto(f"{live_server.url}/hazards/new/")
        page.fill("#id_title", "县局检查发现的储罐区隐患")
        page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('zb-draft:'))")
        # a reload by the same officer brings it back
        page.reload()
        expect(page.locator("#id_title")).to_have_value("县局检查发现的储罐区隐患")
        page.click(".nav-button")  # the menu is folded on a phone
        page.click("header form[action$='/logout/'] button")
        page.wait_for_function("() => !Object.keys(localStorage).some(k => k.startsWith('zb-draft:'))")
        sign_in(page, live_server.url, "county2")
        page.goto(f"{live_server.url}/hazards/new/")
        expect(page.locator("#id_title")).to_have_value("")
        assert not page.locator("text=已恢复您上次").count()
        assert problems.errors == []
    finally:
        contexts.close()


def test_restored_is_said_only_when_something_was_put_back(live_server, browser: Browser) -> None:
    """A cancelled confirmation leaves no draft of untouched fields, and a draft whose values the form no
    longer takes (a listing level not offered to this officer) puts nothing back and says nothing."""
    seed()
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        sign_in(page, live_server.url, "county")
        hazard = Hazard.objects.filter(status="open", level="major", region__code__startswith="500241").first()
        assert hazard is not None
        url = f"{live_server.url}/hazards/{hazard.pk}/"
        page.goto(url)
        page.evaluate("document.querySelector('#form-supervise').closest('details').open = true")
        options = page.eval_on_selector_all("#form-supervise select[name=level] option", "os => os.map(o => o.value)")
        assert "province" not in options
        # chosen, confirmation cancelled, chosen back: nothing of the user's is left to restore
        page.select_option("#form-supervise select[name=level]", "county")
        page.click("#form-supervise button[type=submit]")
        page.click("dialog.confirm button:has-text('取消')")
        page.select_option("#form-supervise select[name=level]", "")
        page.reload()
        expect(page.locator("#form-supervise")).to_be_attached()
        page.wait_for_timeout(300)  # the restore runs after the files' store answered
        assert page.locator(".draft-note").count() == 0
        # a draft holding a value the field no longer offers
        key = page.evaluate(
            """() => {
                const f = document.querySelector('#form-supervise');
                return document.body.getAttribute('data-draft-owner') + '|' + location.pathname + '|'
                    + f.getAttribute('action') + '|' + f.id;
            }"""
        )
        page.evaluate(
            "k => localStorage.setItem('zb-draft:' + k, JSON.stringify({at: Date.now(), fields: {level: 'province'}}))",
            key,
        )
        page.reload()
        expect(page.locator("#form-supervise")).to_be_attached()
        page.wait_for_timeout(300)
        assert page.locator(".draft-note").count() == 0
        expect(page.locator("#form-supervise select[name=level]")).to_have_value("")
        # a value it does take is put back, and said so
        page.evaluate(
            "k => localStorage.setItem('zb-draft:' + k, JSON.stringify({at: Date.now(), fields: {level: 'county'}}))",
            key,
        )
        page.reload()
        expect(page.locator("#form-supervise .draft-note")).to_contain_text("已恢复")
        expect(page.locator("#form-supervise select[name=level]")).to_have_value("county")
        assert problems.errors == []
    finally:
        contexts.close()


def test_a_draft_keeps_what_was_typed_before_a_page_of_errors(live_server, browser: Browser) -> None:
    """The page of errors shows the typed values as its own; typing on after it keeps them in the draft, so
    that the blank form opened again later gets all of it back."""
    seed()
    contexts = _context(browser, **PHONE)
    try:
        page, problems = next(contexts)
        sign_in(page, live_server.url, "firm")
        page.goto(f"{live_server.url}/hazards/new/")
        page.check("input[name=level][value=general]")
        page.fill("#id_location", "3号仓库")
        page.click("#hazard-form button[type=submit]")  # no title: refused, the values shown again
        expect(page.locator("#hazard-form .field-error").first).to_be_visible()
        page.fill("#id_title", "仓库消防通道堵塞")
        page.wait_for_function(
            "() => Object.values(localStorage).some(v => v.includes('仓库消防通道堵塞') && v.includes('3号仓库'))"
        )
        page.goto(f"{live_server.url}/hazards/new/")
        expect(page.locator("#id_title")).to_have_value("仓库消防通道堵塞")
        expect(page.locator("#id_location")).to_have_value("3号仓库")
        expect(page.locator(".draft-note")).to_contain_text("已恢复")
        assert [e for e in problems.errors if "status of 422" not in e] == [], problems.errors
    finally:
        contexts.close()
