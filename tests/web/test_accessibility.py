"""Accessibility basics on every main page: a language, a title, labelled controls, named buttons and links,
alt text, one h1, and visible keyboard focus in the stylesheet."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from academichub.store import Store
from web_demo_site import sign_up

PAGES = [
    "/",
    "/?radar=all",
    "/search?q=language+model",
    "/sources",
    "/saved",
    "/settings",
    "/settings/password",
    "/radars/new",
]


def accessible_name(el) -> str:
    text = " ".join(el.itertext()).strip()
    return text or el.get("aria-label", "") or el.get("title", "") or el.get("value", "")


@pytest.fixture
def signed_in(client: TestClient, store: Store) -> TestClient:
    sign_up(client)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_page_structure_labels_and_names(signed_in: TestClient, path: str) -> None:
    response = signed_in.get(path)
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.text)
    assert doc.get("lang") in {"zh", "zh-CN", "en"}, "the page must declare its language"
    assert doc.findtext(".//title").strip()
    assert len(doc.findall(".//h1")) == 1, "one h1 per page"
    labelled = {label.get("for") for label in doc.iter("label") if label.get("for")}
    for control in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        inside_label = any(a.tag == "label" for a in control.iterancestors())
        named = control.get("aria-label") or control.get("title") or control.get("id") in labelled
        assert inside_label or named, f"unlabelled control on {path}: {lxml_html.tostring(control)[:120]!r}"
    for element in doc.xpath("//button | //a[@href]"):
        assert accessible_name(element), f"nameless control on {path}: {lxml_html.tostring(element)[:120]!r}"
    for img in doc.iter("img"):
        assert img.get("alt") is not None, f"image without alt on {path}"


def test_keyboard_focus_is_visible_and_not_removed() -> None:
    css = (files("academichub.web") / "static" / "app.css").read_text()
    assert ":focus-visible" in css or ":focus" in css
    for rule in re.findall(r"[^{}]*:focus[^{]*\{[^}]*\}", css):
        assert not re.search(r"outline\s*:\s*(none|0)\s*;", rule), f"focus outline removed: {rule.strip()[:80]}"


def test_the_checker_catches_what_it_looks_for() -> None:
    doc = lxml_html.fromstring('<div><button></button><a href="/x"><img src="i.png"></a><input name="q"></div>')
    assert accessible_name(doc.find(".//button")) == ""
    assert accessible_name(doc.find(".//a")) == ""
    control = doc.find(".//input")
    assert not any(a.tag == "label" for a in control.iterancestors()) and control.get("aria-label") is None


def _luminance(hex_colour: str) -> float:
    if len(hex_colour.lstrip("#")) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour.lstrip("#"))
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [("ink", "bg"), ("ink", "card"), ("muted", "card"), ("muted", "bg"), ("accent", "card"), ("accent-ink", "accent"),
     ("good", "card"), ("bad", "card"), ("warn", "card"), ("arxiv", "card"), ("journal", "card")],
)  # fmt: skip
def test_text_colours_meet_wcag_aa_contrast(text: str, background: str) -> None:
    css = (files("academichub.web") / "static" / "app.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css))
    assert contrast(colours[text], colours[background]) >= 4.5, f"--{text} on --{background}"
