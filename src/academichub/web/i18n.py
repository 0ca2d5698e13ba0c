"""The interface's message catalogue (zh, en) and how a request's language is chosen.

Every string the templates show goes through `translator(lang)`; a key missing
from a language falls back to English, then to the key itself (tests check none is missing).
"""

from __future__ import annotations

from collections.abc import Callable

from academichub.models import Note, Reason
from academichub.web.i18n_pages import PAGE_MESSAGES
from academichub.web.i18n_tools import TOOL_MESSAGES

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app_name": "AcademicHub",
        "tagline": "Academic Intelligence · Curated Daily",
        "tagline_sub": "Explore the frontier of global research",
        "nav_daily": "Curated Daily",
        "nav_search": "Search",
        "nav_radars": "Radars",
        "nav_sources": "Sources",
        "sign_out": "Sign out",
        "sign_in": "Sign in",
        "register": "Create an account",
        "language": "Language",
        "skip_to_content": "Skip to content",
        "name": "Name",
        "password": "Password",
        "password_again": "Password again",
        "setup_title": "Welcome — create the administrator account",
        "setup_intro": "This is the first visit: the account you create now administers this AcademicHub and "
        "owns the radars made before accounts existed.",
        "create_admin": "Create administrator",
        "login_title": "Sign in to AcademicHub",
        "bad_login": "Wrong name or password.",
        "too_many_logins": "Too many failed sign-ins. Try again in {seconds} seconds.",
        "password_too_short": "The password needs at least 8 characters.",
        "password_too_long": "The password is too long.",
        "password_too_common": "That password is too common; choose another.",
        "passwords_differ": "The two passwords differ.",
        "name_required": "Choose a name (letters, digits, . _ -, up to 64 characters).",
        "name_taken": "That name is taken.",
        "registration_closed": "Registration is closed; ask the administrator.",
        "daily_title": "Curated Daily",
        "radar": "Radar",
        "all_papers": "All papers (no radar)",
        "day": "Day",
        "go": "Go",
        "prev_day": "← Previous day",
        "next_day": "Next day →",
        "source_filter": "Source",
        "all_sources": "All sources",
        "papers_count": "{n} papers",
        "picked_of": "{n} picked from {total} candidates",
        "no_days": "No papers stored yet. Run `academichub fetch` or `academichub demo`, then reload.",
        "no_radars": "You have no radar yet: the list below is every paper of the day. Create a radar to rank it.",
        "create_radar": "Create a radar",
        "nothing_today": "Nothing to show for this day.",
        "day_notes": "About this day",
        "note_source_failed": "{source} failed: {error}",
        "note_source_said": "{source}: {said}",
        "note_source_quiet": "{source}: no announcement",
        "note_no_papers": "no papers were announced on this day",
        "note_unmatched_sentences": "ranked without matching your seeds sentence by sentence: this day's sentence "
        "vectors are not stored (the daily job encodes them; they are dropped after sentence_vectors_keep_days)",
        "reason_description": "close to your description ({similarity})",
        "reason_seed": "like your seed paper “{title}”",
        "reason_aspect": "“{sentence}” is close to a sentence of your seed “{title}”",
        "reason_classifier": "learned from your 👍 (similarity {similarity})",
        "reason_keyword": "matches {keywords}",
        "reason_author": "by {names} (followed)",
        "reason_category": "in {categories}",
        "authors": "Authors",
        "abstract": "Abstract",
        "show_more": "Show more",
        "show_less": "Show less",
        "link_abs": "Abstract page",
        "link_pdf": "PDF",
        "link_doi": "DOI",
        "link_html": "HTML",
        "why": "Why this paper",
        "score": "score",
        "type_new": "new",
        "type_cross": "cross-list",
        "type_replace": "replaced",
        "fb_up": "Like",
        "fb_down": "Dislike",
        "fb_save": "Save",
        "fb_dismiss": "Dismiss",
        "fb_saved_state": "recorded",
        "search_title": "Search",
        "search_placeholder": "Words in titles, abstracts or author names",
        "search_button": "Search",
        "search_results": "Results for “{q}”",
        "search_none": "No paper matches.",
        "search_bad": "Nothing to search for: type some words.",
        "prev_page": "← Previous",
        "next_page": "Next →",
        "page_n": "Page {n}",
        "paper_title": "Paper",
        "identifiers": "Identifiers",
        "versions": "Versions",
        "version_n": "v{n}",
        "announcements": "Announcements",
        "categories": "Categories",
        "license": "Licence",
        "journal_ref": "Journal reference",
        "published": "Published",
        "updated": "Updated",
        "comment": "Comment",
        "links": "Links",
        "picked_by": "Picked by your radars",
        "picked_by_none": "None of your radars has shown this paper.",
        "rank_n": "#{n}",
        "sources_title": "Sources",
        "sources_intro": "Every source's last fetch, so that “no new papers” is never a mystery.",
        "source": "Source",
        "last_run": "Last run",
        "status": "Status",
        "http": "HTTP",
        "seen": "Seen",
        "new_items": "New",
        "updated_items": "Updated",
        "note_error": "Note / error",
        "recent_runs": "New items per run",
        "never": "never",
        "no_sources": "No source has been fetched yet.",
        "status_ok": "ok",
        "status_failed": "failed",
        "status_not_modified": "not modified",
        "status_no_announcement": "no announcement",
        "status_running": "running",
        "radars_title": "Your radars",
        "radars_none": "No radar yet.",
        "edit": "Edit",
        "delete": "Delete",
        "delete_confirm": "Delete this radar and its feedback?",
        "new_radar": "New radar",
        "edit_radar": "Edit radar",
        "save": "Save",
        "description": "Description (any language)",
        "keywords": "Keywords (one per line)",
        "excludes": "Exclude words (one per line)",
        "watch": "Only these categories, subjects or journals (one per line; empty: all)",
        "followed_authors": "Followed authors (one per line)",
        "seeds": "Seed papers (arXiv ids or DOIs, one per line)",
        "size": "Papers per day",
        "threshold": "Minimum score (empty: none)",
        "include_replacements": "Also show replaced (new-version) papers",
        "preview": "Preview: top papers of {day}",
        "preview_hint": "Updates as you type.",
        "preview_empty": "Describe what you want to see to get a preview.",
        "saved_ok": "Saved.",
        "error_title": "Something went wrong",
        "not_found": "Not found.",
        "forbidden": "This request was refused (missing or wrong form token). Reload the page and try again.",
        "server_error": "An internal error occurred; it has been logged.",
        "back_home": "Back to the Curated Daily",
        "signed_in_as": "Signed in as {name}",
    },
    "zh": {
        "app_name": "AcademicHub",
        "tagline": "学术情报 · 每日精选",
        "tagline_sub": "探索全球前沿学术脉络",
        "nav_daily": "每日精选",
        "nav_search": "搜索",
        "nav_radars": "研究雷达",
        "nav_sources": "数据源",
        "sign_out": "退出",
        "sign_in": "登录",
        "register": "注册账号",
        "language": "语言",
        "skip_to_content": "跳到正文",
        "name": "用户名",
        "password": "密码",
        "password_again": "再次输入密码",
        "setup_title": "欢迎 — 创建管理员账号",
        "setup_intro": "这是首次访问：现在创建的账号将管理此 AcademicHub，并拥有账号功能启用前创建的研究雷达。",
        "create_admin": "创建管理员",
        "login_title": "登录 AcademicHub",
        "bad_login": "用户名或密码错误。",
        "too_many_logins": "登录失败次数过多，请在 {seconds} 秒后重试。",
        "password_too_short": "密码至少需要 8 个字符。",
        "password_too_long": "密码太长。",
        "password_too_common": "这个密码太常见，请换一个。",
        "passwords_differ": "两次输入的密码不一致。",
        "name_required": "请填写用户名（字母、数字、. _ -，最多 64 个字符）。",
        "name_taken": "该用户名已被使用。",
        "registration_closed": "注册已关闭，请联系管理员。",
        "daily_title": "每日精选",
        "radar": "研究雷达",
        "all_papers": "全部论文（不使用雷达）",
        "day": "日期",
        "go": "前往",
        "prev_day": "← 前一天",
        "next_day": "后一天 →",
        "source_filter": "来源",
        "all_sources": "全部来源",
        "papers_count": "{n} 篇论文",
        "picked_of": "从 {total} 篇候选中精选 {n} 篇",
        "no_days": "还没有论文。运行 `academichub fetch` 或 `academichub demo` 后刷新。",
        "no_radars": "你还没有研究雷达：下面是当天的全部论文。创建雷达即可按你的兴趣排序。",
        "create_radar": "创建研究雷达",
        "nothing_today": "这一天没有可显示的论文。",
        "day_notes": "关于这一天",
        "note_source_failed": "{source} 抓取失败：{error}",
        "note_source_said": "{source}：{said}",
        "note_source_quiet": "{source}：当天没有公告",
        "note_no_papers": "这一天没有发布新论文",
        "note_unmatched_sentences": "本次排序没有逐句匹配您的种子论文：这一天的句向量未存储（每日任务会编码它们，"
        "超过 sentence_vectors_keep_days 天后删除）",
        "reason_description": "与您的描述相近（{similarity}）",
        "reason_seed": "与您的种子论文“{title}”相似",
        "reason_aspect": "“{sentence}”与您的种子论文“{title}”中的一句相近",
        "reason_classifier": "从您的 👍 中学到（相似度 {similarity}）",
        "reason_keyword": "匹配关键词 {keywords}",
        "reason_author": "作者 {names}（已关注）",
        "reason_category": "属于 {categories}",
        "authors": "作者",
        "abstract": "摘要",
        "show_more": "展开",
        "show_less": "收起",
        "link_abs": "摘要页",
        "link_pdf": "PDF",
        "link_doi": "DOI",
        "link_html": "HTML",
        "why": "推荐理由",
        "score": "得分",
        "type_new": "新发布",
        "type_cross": "交叉列表",
        "type_replace": "已更新",
        "fb_up": "喜欢",
        "fb_down": "不喜欢",
        "fb_save": "收藏",
        "fb_dismiss": "忽略",
        "fb_saved_state": "已记录",
        "search_title": "搜索",
        "search_placeholder": "标题、摘要或作者中的词",
        "search_button": "搜索",
        "search_results": "“{q}”的搜索结果",
        "search_none": "没有匹配的论文。",
        "search_bad": "没有可搜索的内容：请输入一些词。",
        "prev_page": "← 上一页",
        "next_page": "下一页 →",
        "page_n": "第 {n} 页",
        "paper_title": "论文",
        "identifiers": "标识符",
        "versions": "版本",
        "version_n": "v{n}",
        "announcements": "发布记录",
        "categories": "分类",
        "license": "许可",
        "journal_ref": "期刊引用",
        "published": "发表日期",
        "updated": "更新日期",
        "comment": "备注",
        "links": "链接",
        "picked_by": "你的雷达推荐过",
        "picked_by_none": "你的雷达还没有推荐过这篇论文。",
        "rank_n": "第 {n} 名",
        "sources_title": "数据源",
        "sources_intro": "每个数据源的最近一次抓取，让“没有新论文”不再是谜。",
        "source": "数据源",
        "last_run": "最近运行",
        "status": "状态",
        "http": "HTTP",
        "seen": "读取",
        "new_items": "新增",
        "updated_items": "更新",
        "note_error": "备注 / 错误",
        "recent_runs": "每次运行的新增条目",
        "never": "从未",
        "no_sources": "还没有抓取过任何数据源。",
        "status_ok": "正常",
        "status_failed": "失败",
        "status_not_modified": "未变化",
        "status_no_announcement": "无发布",
        "status_running": "运行中",
        "radars_title": "你的研究雷达",
        "radars_none": "还没有研究雷达。",
        "edit": "编辑",
        "delete": "删除",
        "delete_confirm": "删除这个雷达及其反馈？",
        "new_radar": "新建雷达",
        "edit_radar": "编辑雷达",
        "save": "保存",
        "description": "描述（任意语言）",
        "keywords": "关键词（每行一个）",
        "excludes": "排除词（每行一个）",
        "watch": "只看这些分类、学科或期刊（每行一个；留空为全部）",
        "followed_authors": "关注的作者（每行一个）",
        "seeds": "种子论文（arXiv 编号或 DOI，每行一个）",
        "size": "每天篇数",
        "threshold": "最低得分（留空为不限）",
        "include_replacements": "也显示已更新（新版本）的论文",
        "preview": "预览：{day} 的推荐",
        "preview_hint": "输入时自动更新。",
        "preview_empty": "描述你想看的内容即可预览。",
        "saved_ok": "已保存。",
        "error_title": "出错了",
        "not_found": "未找到。",
        "forbidden": "请求被拒绝（表单令牌缺失或错误）。请刷新页面后重试。",
        "server_error": "发生内部错误，已记录。",
        "back_home": "返回每日精选",
        "signed_in_as": "当前用户：{name}",
    },
}

for _extra in (PAGE_MESSAGES, TOOL_MESSAGES):
    for _lang, _table in _extra.items():
        MESSAGES[_lang].update(_table)


def pick_language(account_language: str | None, cookie_language: str | None, accept_language: str | None) -> str:
    """The account's language, else the visitor's chosen one, else the browser's, else Chinese."""
    for candidate in (account_language, cookie_language):
        if candidate in LANGUAGES:
            return str(candidate)
    return language_from_header(accept_language or "")


def language_from_header(header: str) -> str:
    """Best supported language in an Accept-Language header ("en-GB,en;q=0.8,zh;q=0.5" → "en")."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def translator(lang: str) -> Callable[..., str]:
    """t("key", n=3) → the message in `lang` with its {placeholders} filled."""
    table = MESSAGES.get(lang, MESSAGES["en"])
    fallback = MESSAGES["en"]

    def t(key: str, **values: object) -> str:
        text = table.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


def note_text(t: Callable[..., str], note: str) -> str:
    """A day or digest note in the reader's language (models.Note); any other text as it is."""
    if isinstance(note, Note):
        return t(f"note_{note.key}", **note.values)
    return note


def reason_text(t: Callable[..., str], reason: Reason) -> str:
    """Why a paper was picked, in the reader's language; a reason saved without its values (before they were
    kept) or of a kind the catalogue does not know, as its English text."""
    key = f"reason_{reason.kind}"
    if not reason.values or key not in MESSAGES["en"]:
        return reason.text
    return t(key, **dict(reason.values))
