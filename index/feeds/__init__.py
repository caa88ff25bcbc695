"""Following RSS and Atom feeds: the list of feeds and what was seen of each (`store`), and
polling them into the corpus, one rebuild per poll (`polling`)."""
