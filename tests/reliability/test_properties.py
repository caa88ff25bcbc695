"""Property-based tests (hypothesis): the cleaner, the chunker and the formatter take any text
without raising, keep their spans inside the text, and the formatter always produces HTML
Telegram accepts, within 4,096 characters, citing the first source."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render.answer import Window, answer_html, answer_plain
from index.chunking import chunk_article, split_sentences
from index.cleaning import clean_article, normalize
from index.types import Answer, AnswerItem, Article, Disagreement
from tests.reliability.telegram_html import assert_valid_telegram_html

# example counts stay moderate: the suite runs on two shared cores
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
SLOW = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example,
                                       HealthCheck.data_too_large])

# the characters that break naive code: markup, entities, line ends, invisible and
# direction controls, combining marks, emoji (two UTF-16 units), Cyrillic with ё
HOSTILE = "<>&\"';/\\\n\r\t \u00a0\u200b\u200d\u202e\u2066\ufeff\u00ad\u0301😀🚀аАёЁ.!?…«»1"
hostile_text = st.text(alphabet=st.sampled_from(HOSTILE), max_size=300)
any_text = st.text(max_size=400)  # any unicode except lone surrogates
texts = st.one_of(any_text, hostile_text, st.lists(
    st.sampled_from([
        "Поддержать команду Зеркала", "Статьи", "Все статьи", "12.03.2025", "18:40",
        "1. Заголовок другой новости", "2. Ещё одна", "3. И ещё", "Комментарий (0)", "/",
        "Фото: Reuters", "Источник: https://example.org/a?b=<c>&d=\"e\"",
        "Госсекретарь США Марко Рубио встретился с Сергеем Лавровым.", "<script>x</script>",
        "", "  ", "Читайте также: что-то",
    ]) | hostile_text, max_size=25).map("\n".join))


@FAST
@given(texts)
def test_cleaner_takes_any_text(raw: str) -> None:
    clean = clean_article(raw)
    normalized = normalize(raw)
    assert "\r" not in clean.text
    assert not any(ch in clean.text for ch in "\u200b\u200d\u202e\u2066\ufeff\u00ad")
    # the cleaner only drops and trims lines: whatever it keeps was in the page
    for line in clean.text.split("\n") if clean.text else []:
        assert line and line in normalized
    assert clean.title in normalized or clean.title.endswith("…")
    if clean.url is not None:
        assert clean.url in raw


@FAST
@given(texts, st.integers(20, 800), st.integers(1, 6), st.integers(0, 3))
def test_chunks_are_exact_spans_of_any_text(text: str, max_chars: int, max_sentences: int,
                                            overlap: int) -> None:
    article = Article("a.txt", "", text)
    chunks = chunk_article(article, max_chars, max_sentences, overlap)
    sentences = split_sentences(text)
    for start, end in sentences:
        assert 0 <= start < end <= len(text) and text[start:end].strip()
    previous_start = -1
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.start > previous_start  # always moves forward: no endless loop
        previous_start = chunk.start
        assert 1 <= len(chunk.sentences) <= max_sentences
        for s, e in chunk.sentences:
            assert 0 <= s < e <= len(chunk.text)
        # over the size only when a single sentence is longer than the limit
        assert len(chunk.text) <= max_chars or len(chunk.sentences) == 1
    covered = {c.start + s for c in chunks for s, _ in c.sentences}
    assert covered == {s for s, _ in sentences}


# -- the formatter -----------------------------------------------------------------------------

file_names = st.one_of(
    st.text(min_size=1, max_size=40).map(lambda s: s + ".txt"),
    st.text(alphabet=st.sampled_from("<>&\"' абв-_.😀"), min_size=1, max_size=150)
    .map(lambda s: s + ".txt"),
    st.sampled_from(["004_b0d3fac15905dcbe.txt", "<b>.txt", "a&b.txt", "x" * 150 + ".txt"]),
)
urls = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("abc/?=&<>\"'#%"), max_size=300)
    .map(lambda s: "https://example.org/" + s),
    st.integers(100, 2000).map(lambda n: "https://example.org/?" + "&a=<b>" * n),
)
excerpts = st.one_of(any_text, hostile_text, st.text(max_size=3000),
                     st.sampled_from(["&" * 3000, "<" * 2000, "😀" * 2500, "а " * 1500, ""]))


@st.composite
def answer_items(draw: st.DrawFn) -> AnswerItem:
    excerpt = draw(excerpts)
    highlight = None
    if draw(st.booleans()):
        start = draw(st.integers(0, len(excerpt)))
        highlight = (start, draw(st.integers(start, len(excerpt))))
    return AnswerItem(
        source=draw(file_names),
        excerpt=excerpt,
        score=draw(st.floats(-10, 10, allow_nan=False)),
        chunk_id=draw(st.integers(0, 10**6)),
        title=draw(any_text),
        url=draw(urls),
        also_in=draw(st.one_of(
            st.lists(file_names, max_size=5).map(tuple),
            # one report from dozens of outlets, with long names: a single item over the limit
            st.tuples(hostile_text, st.integers(20, 60)).map(
                lambda p: tuple(f"{p[0][:40]}{'x' * 100}-{i}.txt" for i in range(p[1]))),
        )),
        highlight=highlight,
        dates=tuple(draw(st.lists(st.dates().map(str), max_size=3))),
    )


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    disagreements = draw(st.lists(st.builds(
        Disagreement,
        what=st.sampled_from(["date", "number"]),
        values=st.lists(st.tuples(st.one_of(st.dates().map(str), any_text),
                                  st.lists(file_names, max_size=8).map(tuple)),
                        max_size=6).map(tuple),
    ), max_size=3))
    return Answer(
        question=draw(any_text),
        lang=draw(st.sampled_from(["ru", "en"])),
        items=tuple(draw(st.lists(answer_items(), max_size=12))),
        event_date=draw(st.one_of(st.none(), st.dates().map(str), any_text)),
        disagreements=tuple(disagreements),
    )


@SLOW
@given(answers(), st.integers(1, 10_000))
def test_any_answer_renders_as_valid_telegram_html_within_the_limit(
    answer: Answer, first_number: int
) -> None:
    message = answer_html(answer, Window(first_number=first_number))
    assert_valid_telegram_html(message)
    if answer.found:
        # a cited answer cites: the first item's file name survives every shortening
        assert f"<code>{html.escape(answer.items[0].source)}</code>" in message
        # the first item's number: before it, or in the heading of a page of one item
        assert (str(first_number) + ". " in message or f" {first_number}:" in message
                or f" {first_number} " in message.split("\n\n")[0])
    answer_plain(answer)  # the terminal form never raises either


@SLOW
@given(st.lists(answer_items(), min_size=1, max_size=12), st.sampled_from(["ru", "en"]))
def test_many_long_items_are_shortened_not_cut_mid_markup(items: list[AnswerItem],
                                                          lang: str) -> None:
    long_items = tuple(
        AnswerItem(source=item.source, excerpt=(item.excerpt + " <&> ") * 20, score=item.score,
                   chunk_id=item.chunk_id, also_in=item.also_in, url=item.url)
        for item in items
    )
    message = answer_html(Answer("?", lang, long_items))  # type: ignore[arg-type]
    assert_valid_telegram_html(message)
