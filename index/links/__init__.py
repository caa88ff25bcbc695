"""Articles that arrive as links: fetching a page safely, extracting its story and metadata,
and storing both in the corpus folder."""
