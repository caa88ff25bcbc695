"""The Answerer: cutting, paging, generations, and the inline cache; plus the small TTL/LRU."""

from __future__ import annotations

from bot.answering import Answerer, generation_tag, normalize_query
from bot.cache import TtlLru
from bot.stats import BotStats
from index.service import NewsIndex

MEET = "When did Rubio and Lavrov meet in person?"


def answerer(news: NewsIndex, per_page: int = 5, max_chars: int = 1000) -> Answerer:
    return Answerer(news, BotStats(), per_page=per_page, max_question_chars=max_chars)


async def test_pages_split_the_answer_without_overlap(seed_news: NewsIndex) -> None:
    everything = seed_news.answer(MEET, limit=20).items
    assert len(everything) >= 2
    service = answerer(seed_news, per_page=1)
    first = await service.ask(MEET)
    assert first.has_more and first.first_number == 1 and len(first.answer.items) == 1
    pages = [first]
    while pages[-1].has_more:
        page = await service.more(first.token, pages[-1].number + 1)
        assert page is not None
        pages.append(page)
    shown = [item.chunk_id for page in pages for item in page.answer.items]
    assert shown == [item.chunk_id for item in everything]
    assert [p.first_number for p in pages] == list(range(1, len(pages) + 1))


async def test_a_long_question_is_cut_and_remembered_cut(seed_news: NewsIndex) -> None:
    service = answerer(seed_news, max_chars=60)
    page = await service.ask("  " + MEET + " x" * 500)
    assert page.cut_to == 60
    assert len(page.answer.question) == 60
    assert service.stats.questions == 1


async def test_unknown_tokens_and_other_generations_are_forgotten(seed_news: NewsIndex) -> None:
    service = answerer(seed_news)
    assert await service.more("AAAAAAAA", 1) is None
    page = await service.ask(MEET)
    item = page.answer.items[0]
    passage = service.passage(page.tag, item.chunk_id)
    assert passage is not None and passage.chunk.source == item.source
    assert passage.article is not None and passage.article.source == item.source
    assert service.passage("00000000", item.chunk_id) is None
    assert service.passage(page.tag, 10**6) is None


def test_generation_tags_are_short_and_stable() -> None:
    tag = generation_tag("gen-20250101T000000-123456789")
    assert len(tag) == 8 and int(tag, 16) >= 0
    assert tag == generation_tag("gen-20250101T000000-123456789")
    assert tag != generation_tag("gen-20250101T000000-123456780")


def test_normalized_queries() -> None:
    assert normalize_query("  When  did\tthey MEET?! ") == "when did they meet"
    assert normalize_query("Когда…") == "когда"


def test_ttl_lru_forgets_the_oldest_and_the_expired() -> None:
    now = [0.0]
    cache: TtlLru[str, int] = TtlLru(2, ttl=10, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert cache.get("a") is None and cache.get("b") == 2
    now[0] = 5
    cache.replace("b", 20)
    now[0] = 10.5  # "b" and "c" were written at 0: replacing did not renew "b"
    assert cache.get("b") is None and "c" not in cache
    cache.put("d", 4)
    assert cache.pop("d") == 4 and len(cache) == 0
