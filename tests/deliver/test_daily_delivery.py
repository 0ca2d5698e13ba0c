"""run_daily's deliver stage against a real SMTP server: one email per user and day, even when rerun."""

import datetime as dt
import email
from email.policy import default

from academichub.config import Settings
from academichub.models import AnnounceType, Author, Radar, RawItem
from academichub.pipeline import store_items
from academichub.pipeline.daily import run_daily
from academichub.pipeline.delivery import deliver_digests
from academichub.rank.embedders import HashingEmbedder
from academichub.sources.http import HttpClient
from academichub.store import open_store

DAY = dt.date(2026, 6, 29)


def test_rerun_sends_the_daily_email_once(tmp_path, smtp_server):
    controller, handler = smtp_server
    settings = Settings(
        home=tmp_path, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
        email_from="AcademicHub <digest@academichub.example>", email_to="研究者 <me@example.org>",
        delivery_retries=0, host_intervals_s={},
    )  # fmt: skip
    store = open_store(settings.resolved_database_url)
    store.save_radar(Radar(name="蛋白质", description="protein structure", size=2))
    store_items(store, [
        RawItem(source="arxiv-rss", title=f"Protein structure prediction {n}", abstract="protein folding",
                authors=(Author("Ada Lovelace"),), arxiv_id=f"2606.0000{n}", listing="q-bio.BM",
                announced=DAY, announce_type=AnnounceType.NEW)
        for n in range(4)
    ])  # fmt: skip

    def deliver(s, digests, day):
        return deliver_digests(settings, s, digests, day)

    with HttpClient(settings) as client:
        for _ in range(2):
            report = run_daily(store, settings, DAY, client=client, embedder=HashingEmbedder(), specs=[],
                               deliver=deliver)  # fmt: skip
            assert report.stages[-1].status == "ok"
        store.clear_checkpoint("daily:2026-06-29", "deliver")  # even a forced re-delivery sends nothing twice
        run_daily(store, settings, DAY, client=client, embedder=HashingEmbedder(), specs=[], deliver=deliver)
    assert len(handler.envelopes) == 1
    message = email.message_from_bytes(handler.envelopes[0].content, policy=default)
    body = message.get_body(("plain",)).get_content()
    assert "1. arXiv (q-bio.BM)" in body and "Protein structure prediction" in body
    store.close()


def test_each_user_gets_one_email_with_only_their_radars(tmp_path, smtp_server):
    controller, handler = smtp_server
    settings = Settings(home=tmp_path, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
                        email_from="digest@academichub.example", delivery_retries=0)  # fmt: skip
    store = open_store(settings.resolved_database_url)
    other = store.create_user("bob", "unused-hash", "en")
    store.set_email(1, "alice@example.org")
    store.set_email(other.id, "bob@example.org")
    store.save_radar(Radar(name="proteins", description="protein structure", size=2))
    store.save_radar(Radar(name="proteins", description="galaxy clusters", size=2, user_id=other.id))
    store_items(store, [
        RawItem(source="arxiv-rss", title=title, abstract=title, authors=(Author("A B"),), arxiv_id=f"2606.0001{n}",
                listing="astro-ph", announced=DAY, announce_type=AnnounceType.NEW)
        for n, title in enumerate(["Protein structure from sequence", "Galaxy clusters and lensing"])
    ])  # fmt: skip
    with HttpClient(settings) as client:
        run_daily(store, settings, DAY, client=client, embedder=HashingEmbedder(), specs=[],
                  deliver=lambda s, d, day: deliver_digests(settings, s, d, day))  # fmt: skip
    by_rcpt = {e.rcpt_tos[0]: email.message_from_bytes(e.content, policy=default) for e in handler.envelopes}
    assert sorted(by_rcpt) == ["alice@example.org", "bob@example.org"]
    bob = by_rcpt["bob@example.org"].get_body(("plain",)).get_content()
    alice = by_rcpt["alice@example.org"].get_body(("plain",)).get_content()
    assert bob.count("1. arXiv (astro-ph)") == 1 and alice.count("1. arXiv (astro-ph)") == 1  # one radar each
    assert bob.index("Galaxy clusters") < bob.index("Protein structure")  # bob's radar, ranked for bob
    assert alice.index("Protein structure") < alice.index("Galaxy clusters")
    store.close()


def deliver_one_protein_paper(settings: Settings, store) -> None:  # type: ignore[no-untyped-def]
    """A day of one protein paper, ranked and delivered by the daily job."""
    store_items(store, [RawItem(source="arxiv-rss", title="Protein structure from sequence", abstract="protein folding",
                                authors=(Author("A B"),), arxiv_id="2606.00021", listing="q-bio.BM", announced=DAY,
                                announce_type=AnnounceType.NEW)])  # fmt: skip
    with HttpClient(settings) as client:
        run_daily(store, settings, DAY, client=client, embedder=HashingEmbedder(), specs=[],
                  deliver=lambda s, d, day: deliver_digests(settings, s, d, day))  # fmt: skip


def test_each_user_reads_the_email_in_their_language(tmp_path, smtp_server):
    """Subject, headings, labels and each pick's reasons in the reader's language; papers as they are."""
    controller, handler = smtp_server
    settings = Settings(home=tmp_path, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
                        email_from="digest@academichub.example", delivery_retries=0)  # fmt: skip
    store = open_store(settings.resolved_database_url)
    readers = {
        "chen": store.create_user("chen", "unused-hash", "zh"),
        "bob": store.create_user("bob", "unused-hash", "en"),
    }
    for name, user in readers.items():
        store.set_email(user.id, f"{name}@example.org")
        store.save_radar(Radar(name="proteins", description="protein structure", keywords=("protein",), size=1,
                               user_id=user.id))  # fmt: skip
    deliver_one_protein_paper(settings, store)
    by_rcpt = {e.rcpt_tos[0]: email.message_from_bytes(e.content, policy=default) for e in handler.envelopes}
    chen, bob = by_rcpt["chen@example.org"], by_rcpt["bob@example.org"]
    assert chen["Subject"].startswith("每日精选 · proteins · 2026-06-29 · 1 篇论文: Protein structure from sequence")
    assert bob["Subject"].startswith("Curated Daily · proteins · 2026-06-29 · 1 papers: Protein structure")
    chen_text, bob_text = (m.get_body(("plain",)).get_content() for m in (chen, bob))
    assert "推荐理由：匹配关键词 “protein”" in chen_text and "作者：A B" in chen_text and "Why:" not in chen_text
    assert "Why: matches “protein”" in bob_text and "推荐理由" not in bob_text
    assert "推荐理由：匹配关键词 “protein”" in chen.get_body(("html",)).get_content()
    store.close()


def test_without_an_account_the_local_user_reads_the_email_in_the_briefing_language(tmp_path, smtp_server):
    controller, handler = smtp_server
    settings = Settings(home=tmp_path, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
                        email_from="digest@academichub.example", email_to="me@example.org", delivery_retries=0,
                        llm_language="en")  # fmt: skip
    store = open_store(settings.resolved_database_url)
    store.save_radar(Radar(name="proteins", description="protein structure", keywords=("protein",), size=1))
    deliver_one_protein_paper(settings, store)
    (envelope,) = handler.envelopes
    message = email.message_from_bytes(envelope.content, policy=default)
    assert message["Subject"].startswith("Curated Daily · proteins")  # the local user never chose: llm_language
    assert "Why: matches “protein”" in message.get_body(("plain",)).get_content()
    store.close()
