"""What the Curated Daily says around its papers, in English or Chinese: day notes, each pick's reasons, and the
words of its e-mail and chat messages (digest_*). The web catalogue (web.i18n) takes these keys too, so a page, an
e-mail and a chat message say it alike. Pure.

Notes and reasons are written in English by the pipeline and the ranker (models.Note, models.Reason) with their
names and figures kept beside the text; `note_text` and `reason_text` say them again in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from academichub.models import Note, Reason

Translate = Callable[..., str]

WORDING: dict[str, dict[str, str]] = {
    "en": {
        "note_source_failed": "{source} failed: {error}",
        "note_source_said": "{source}: {said}",
        "note_source_quiet": "{source}: no announcement",
        "note_no_papers": "no papers were announced on this day",
        "note_unmatched_sentences": "ranked without matching your seeds sentence by sentence: this day's sentence "
        "vectors are not stored (the daily job encodes them; they are dropped after sentence_vectors_keep_days)",
        "note_day_unread": "not ranked yet: this day's papers are still being read ({read} of {total} so far); "
        "the ranked list appears when the daily job has read them",
        "note_seeds_unread": "ranked without {count} of your seed papers, not read yet (an imported library is read "
        "in the background, and every daily run reads what is left)",
        "reason_description": "close to your description ({similarity})",
        "reason_seed": "like your seed paper “{title}”",
        "reason_aspect": "“{sentence}” is close to a sentence of your seed “{title}”",
        "reason_aspect_same_seed": "“{sentence}” is close to one of that seed's sentences",
        "reason_classifier": "learned from your 👍 (similarity {similarity})",
        "reason_keyword": "matches {keywords}",
        "reason_author": "by {names} (followed)",
        "reason_category": "in {categories}",
        "digest_subject": "Curated Daily · {radars} · {day} · {count} papers",
        "digest_heading": "Curated Daily · {radar} · {day}",
        "digest_note": "Note: {note}",
        "digest_authors": "Authors: {authors}",
        "digest_why": "Why: {reasons}",
        "digest_overall": "overall relevance",
        "digest_reasons_joiner": "; ",
        "digest_list_joiner": ", ",
        "digest_score": "score {score}",
        "digest_shown": "{shown} of {candidates}",
        "digest_first_appeared": "first appeared {month}",
        "digest_nothing": "Nothing to show for this day.",
        "digest_briefing": "Briefing",
        "digest_unsubscribe": "Unsubscribe",
    },
    "zh": {
        "note_source_failed": "{source} 抓取失败：{error}",
        "note_source_said": "{source}：{said}",
        "note_source_quiet": "{source}：当天没有公告",
        "note_no_papers": "这一天没有发布新论文",
        "note_unmatched_sentences": "本次排序没有逐句匹配您的种子论文：这一天的句向量未存储（每日任务会编码它们，"
        "超过 sentence_vectors_keep_days 天后删除）",
        "note_day_unread": "尚未排序：这一天的论文仍在读取中（已读取 {read} / {total} 篇），"
        "每日任务读取完成后显示排序结果",
        "note_seeds_unread": "本次排序未包含 {count} 篇尚未读取的种子论文"
        "（导入的文献库会在后台读取，每日任务也会读取剩下的）",
        "reason_description": "与您的描述相近（{similarity}）",
        "reason_seed": "与您的种子论文“{title}”相似",
        "reason_aspect": "“{sentence}”与您的种子论文“{title}”中的一句相近",
        "reason_aspect_same_seed": "“{sentence}”与该种子论文中的一句相近",
        "reason_classifier": "从您的 👍 中学到（相似度 {similarity}）",
        "reason_keyword": "匹配关键词 {keywords}",
        "reason_author": "作者 {names}（已关注）",
        "reason_category": "属于 {categories}",
        "digest_subject": "每日精选 · {radars} · {day} · {count} 篇论文",
        "digest_heading": "每日精选 · {radar} · {day}",
        "digest_note": "说明：{note}",
        "digest_authors": "作者：{authors}",
        "digest_why": "推荐理由：{reasons}",
        "digest_overall": "综合相关度",
        "digest_reasons_joiner": "；",
        "digest_list_joiner": "、",
        "digest_score": "得分 {score}",
        "digest_shown": "{candidates} 篇中的 {shown} 篇",
        "digest_first_appeared": "首次出现于 {month}",
        "digest_nothing": "这一天没有可显示的论文。",
        "digest_briefing": "简报",
        "digest_unsubscribe": "退订",
    },
}


def translator_for(tables: Mapping[str, Mapping[str, str]], lang: str) -> Translate:
    """t("key", n=3) → the message in `lang` with its {placeholders} filled; a key missing from `lang` falls back
    to English, then to the key itself."""
    table, fallback = tables.get(lang, tables["en"]), tables["en"]

    def t(key: str, **values: object) -> str:
        text = table.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


def wording(lang: str) -> Translate:
    """The translator of this module's words (an unknown language reads English)."""
    return translator_for(WORDING, lang)


ENGLISH = wording("en")


# How rank.reasons joins the items of these values (quoted keywords, category ids: neither holds the joint itself),
# re-joined in the reader's language. Followed authors' names stay as written: a name may hold ", ".
LISTS_JOINED = {"keywords": "”, “", "categories": ", "}


def note_text(t: Translate, note: str) -> str:
    """A day or digest note in the reader's language (models.Note); any other text as it is."""
    if isinstance(note, Note):
        return t(f"note_{note.key}", **note.values)
    return note


def reason_text(t: Translate, reason: Reason) -> str:
    """Why a paper was picked, in the reader's language; a reason saved without its values (before they were
    kept) or of a kind or wording not listed here, as its English text. A `variant` value names another wording of
    the same kind (reason_<kind>_<variant>)."""
    values = dict(reason.values)
    variant = values.pop("variant", "")
    key = f"reason_{reason.kind}_{variant}" if variant else f"reason_{reason.kind}"
    if not reason.values or key not in WORDING["en"]:
        return reason.text
    joiner = t("digest_list_joiner")
    for name, joined in LISTS_JOINED.items():
        if name in values and joiner != ", ":
            values[name] = values[name].replace(joined, joined.replace(", ", joiner))
    return t(key, **values)


def reasons_text(t: Translate, reasons: Sequence[Reason]) -> str:
    """A pick's reasons on one line in the reader's language ("overall relevance" when it has none)."""
    return t("digest_reasons_joiner").join(reason_text(t, r) for r in reasons) or t("digest_overall")
