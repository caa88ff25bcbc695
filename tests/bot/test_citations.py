"""An article with no title line is cited by its outlet and date, or by the title its metadata
gives, never by its first sentence cut off mid-word: through the real Dispatcher."""

from __future__ import annotations

import json

from index.service import NewsIndex
from tests.bot.conftest import HarnessFactory
from tests.bot.fakes import callback_update, message_update
from tests.bot.html_check import check_telegram_html

# a page whose text opens straight with its story: the first sentence stands in for a title
UNTITLED = ("В субботу, 15 февраля, в Гомеле открылась выставка голубых тюльпанов, которые "
            "местные садоводы выращивали четыре года в теплицах у реки Сож. Выставку открыл "
            "директор ботанического сада Игорь Кравец. Она продлится до конца марта.\n")
TITLED = ("В понедельник, 17 февраля, в Бресте прошёл конкурс ледяных скульптур, в котором "
          "участвовали мастера из шести стран. Победил скульптор Олег Маковский.\n")


def _add(news: NewsIndex, name: str, text: str, meta: dict[str, str]) -> None:
    (news.seeds_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    (news.seeds_dir / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False),
                                                       encoding="utf-8")


async def test_an_untitled_article_is_cited_by_outlet_and_date(
    make_harness: HarnessFactory, writable_news: NewsIndex
) -> None:
    _add(writable_news, "tulips", UNTITLED, {"outlet": "Зеркало", "published": "2025-02-15"})
    _add(writable_news, "ice", TITLED, {"title": "Ледяные скульптуры в Бресте",
                                        "outlet": "Брестская газета",
                                        "published": "2025-02-17"})
    writable_news.reindex()
    harness = make_harness(news=writable_news)

    await harness.feed(message_update("Кто открыл выставку голубых тюльпанов в Гомеле?",
                                      language_code="ru"))
    await harness.feed(message_update("Кто победил в конкурсе ледяных скульптур в Бресте?",
                                      language_code="ru"))
    tulips, ice = harness.texts()
    for text in (tulips, ice):
        check_telegram_html(text)
    assert "Источник: Зеркало, 15 февраля 2025\u00a0г.\n<code>tulips.txt</code>" in tulips
    assert "«В субботу" not in tulips and "…»" not in tulips
    # a title from the page's metadata is a headline, whatever the text opens with
    assert ("Источник: «Ледяные скульптуры в Бресте» — Брестская газета, 17 февраля "
            "2025\u00a0г.") in ice

    # the whole passage opens with the story, not with its first sentence set as a title
    [answer] = [p for p in harness.sent("sendMessage") if p["text"] == tulips]
    full = next(b["callback_data"] for b in harness.buttons(answer)
                if b["callback_data"].startswith("full:"))
    await harness.feed(callback_update(full, language_code="ru"))
    passage = harness.texts()[-1]
    assert passage.startswith("В субботу, 15 февраля, в Гомеле") and "<b>" not in passage
    assert passage.endswith("Источник: <code>tulips.txt</code>")
