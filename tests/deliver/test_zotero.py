"""Pushing to Zotero against a loopback server replaying the Zotero web API (v3) answers."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from academichub.config import Settings
from academichub.deliver import push_to_zotero
from academichub.errors import DeliveryError
from digest_builders import make_paper

API_KEY = "zotero-key-P9x8"


def zotero_settings(post_settings, loopback, **kw) -> Settings:
    return post_settings.model_copy(
        update={"zotero_api_url": loopback.url("/api"), "zotero_library_id": "12345",
                "zotero_api_key": SecretStr(API_KEY), **kw}
    )  # fmt: skip


def replay_zotero(request):
    """Zotero's answer to POST /users/<id>/items: every item successful except one without a title."""
    items = json.loads(request.body)
    successful, failed = {}, {}
    for i, item in enumerate(items):
        if item["title"]:
            successful[str(i)] = {"key": f"K{len(request.body) % 97:02d}{i:04d}", "version": 1, "data": item}
        else:
            failed[str(i)] = {"key": "", "code": 400, "message": "Title is required"}
    body = {"successful": successful, "success": {k: v["key"] for k, v in successful.items()},
            "unchanged": {}, "failed": failed}  # fmt: skip
    return 200, {"Content-Type": "application/json", "Last-Modified-Version": "2"}, json.dumps(body).encode()


def test_items_are_pushed_in_batches_of_50_with_key_and_write_token(loopback, post_settings):
    settings = zotero_settings(post_settings, loopback)
    loopback.add_handler("/api/users/12345/items", replay_zotero)
    papers = [make_paper(n) for n in range(1, 121)]
    papers[7] = make_paper(8, title=" ")
    report = push_to_zotero(settings, papers)
    assert [len(json.loads(r.body)) for r in loopback.requests] == [50, 50, 20]
    request = loopback.requests[0]
    assert request.headers["zotero-api-key"] == API_KEY and request.headers["zotero-api-version"] == "3"
    assert len({r.headers["zotero-write-token"] for r in loopback.requests}) == 3
    item = json.loads(request.body)[0]
    assert item["itemType"] == "preprint" and item["archiveID"] == "arXiv:2606.00001"
    assert item["creators"][0] == {"creatorType": "author", "firstName": "Jörg", "lastName": "Müller"}
    assert item["creators"][1] == {"creatorType": "author", "firstName": "小明", "lastName": "林"}
    assert report.created == 119 and len(report.keys) == 119
    assert report.failed == ("item 8: 400 Title is required",)


def test_429_retry_after_is_honoured_and_412_means_already_written(loopback, post_settings):
    waits: list[float] = []
    settings = zotero_settings(post_settings, loopback, retry_after_cap_s=5.0)
    answers = iter([(429, {"Retry-After": "2"}, b"Too many requests"), None, (412, {}, b"Write token already used")])

    def scripted(request):
        answer = next(answers)
        return answer if answer is not None else replay_zotero(request)

    loopback.add_handler("/api/groups/12345/items", scripted)
    group = settings.model_copy(update={"zotero_library_type": "group"})
    report = push_to_zotero(group, [make_paper(n) for n in range(1, 61)], sleep=waits.append)
    assert waits == [2.0]
    assert report.created == 50 and report.already_written == 1
    assert len(loopback.requests) == 3


def test_bad_key_is_a_clear_error_without_the_key(loopback, post_settings):
    loopback.add("/api/users/12345/items", b"Invalid key", status=403)
    with pytest.raises(DeliveryError, match="HTTP 403: Invalid key") as info:
        push_to_zotero(zotero_settings(post_settings, loopback), [make_paper(1)])
    assert API_KEY not in str(info.value) and len(loopback.requests) == 1


def test_missing_library_settings_are_a_clear_error(tmp_path):
    with pytest.raises(DeliveryError, match="zotero_library_id"):
        push_to_zotero(Settings(home=tmp_path), [make_paper(1)])


def test_a_failed_list_naming_no_item_is_reported_as_zotero_wrote_it(loopback, post_settings):
    """Zotero names a refused item by its position in the batch ("0", "1", …). An answer naming one otherwise ("x",
    "²", a position past the batch) or with a bare text for its problem is reported as it came, not a crash, and the
    items it did write are counted."""

    def odd(request):
        count = len(json.loads(request.body))
        body = {"successful": {str(i): {"key": f"K{i:04d}"} for i in range(count - 1)}, "unchanged": {},
                "failed": {"x": {"code": 400, "message": "Bad item"}, "²": "boom", "99": {"code": 413},
                           str(count - 1): {"code": 400, "message": "Title is required"}}}  # fmt: skip
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    loopback.add_handler("/api/users/12345/items", odd)
    report = push_to_zotero(zotero_settings(post_settings, loopback), [make_paper(n) for n in range(1, 4)])
    assert report.created == 2
    assert report.failed == ("item 'x': 400 Bad item", "item '²': ? boom", "item '99': 413",
                             f"{make_paper(3).title[:80]}: 400 Title is required")  # fmt: skip
