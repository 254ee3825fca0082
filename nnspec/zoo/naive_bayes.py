"""Foster, Generative Deep Learning ch. 1: the multinomial model and Naive Bayes on categorical features.

Both are fitted by counting (maximum likelihood, F1:342-350 and Equation 1-4) on a 2-D array of
observations, one row per observation and one column per feature, holding any hashable values
(the Wrodl fashions are strings). ``levels`` lists, per feature, the values it can take (the
sample space, F1:322-336); without it the values seen in the data are used, in sorted order.
Pure NumPy: no implementation ``nn`` is involved. Sampling takes a ``numpy.random.Generator``
(or a seed), so equal seeds give equal samples.

Decisions where the book's arithmetic is inconsistent (notes seed-foster.md §6.3, errata E21, E22):

* Additive smoothing. The book writes ``(n_j + 1) / (N + d)`` with ``d = 4031`` parameters (F1:374);
  those values sum to ``(N + 4032) / (N + 4031)``, not 1. Here the pseudocount ``alpha`` is added to
  every cell and the denominator is ``N + alpha * cells`` (4032 cells for Wrodl), so the smoothed
  distribution sums to 1: combination 1 of the book gets ``3 / 4082``, not the book's ``3 / 4081``.
  Naive Bayes smooths each feature the same way, ``(n_kl + alpha) / (N + alpha * L_k)``.
* The worked Naive Bayes probability (F1:467-476). Its left-hand side names ``White`` clothing but its
  product uses p(Blue01) = 0.08, giving 0.00098; the next sentence ("doesn't appear in the original
  dataset", "white clothing appears more than blue") fits Blue01. The model gives
  p(LongHairStraight, Red, Round, ShirtScoopNeck, Blue01) = 0.46 * 0.16 * 0.44 * 0.38 * 0.08
  = 0.0009844736 (the book's 0.00098) and p(..., White) = 0.46 * 0.16 * 0.44 * 0.38 * 0.44 = 0.0054146048.
* Parameter counts follow the book: Naive Bayes has ``sum_k (L_k - 1)`` free parameters (the last value
  of each feature is forced by the sum to 1, footnote 8: 7 + 6 + 3 + 4 + 8 - 5 = 23 for Wrodl); the
  multinomial model over all combinations has ``prod_k L_k - 1`` (4031).
"""

import math

import numpy as np

__all__ = ["WRODL_FEATURES", "WRODL_LEVELS", "NaiveBayes", "Multinomial"]

# F1:306 and the value lists of F1:322-334. The lists spell "ShortHairFrizz" and "SilverGrey" where the
# data (Figure 1-8) spells "ShortHairFrizzle" and "SilverGray" (erratum E23); the MLE table (Figure 1-9) has
# "ShortHairFrizzle" and "SilverGrey", the spellings used here.
WRODL_FEATURES = ("topType", "hairColor", "accessoriesType", "clotheType", "clotheColor")
WRODL_LEVELS = (
    ("NoHair", "LongHairBun", "LongHairCurly", "LongHairStraight", "ShortHairShortWaved", "ShortHairShortFlat",
     "ShortHairFrizzle"),
    ("Black", "Blonde", "Brown", "PastelPink", "Red", "SilverGrey"),
    ("Blank", "Round", "Sunglasses"),
    ("Hoodie", "Overall", "ShirtScoopNeck", "ShirtVNeck"),
    ("Black", "Blue01", "Grey01", "PastelGreen", "PastelOrange", "Pink", "Red", "White"),
)


def _rng(rng, who):
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"{who}: rng must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")


def _observations(X, who):
    X = np.asarray(X, dtype=object)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{who}: expected a non-empty 2-D array of observations (rows) by features (columns), got "
                         f"shape {X.shape}")
    return X


def _alpha(alpha, who):
    if not (isinstance(alpha, (int, float, np.floating, np.integer)) and alpha >= 0 and math.isfinite(alpha)):
        raise ValueError(f"{who}: alpha (the additive-smoothing pseudocount) must be a finite number >= 0, got "
                         f"{alpha!r}")
    return float(alpha)


class _Categorical:
    """What both models share: the levels of each feature and the index of each value."""

    def __init__(self, levels, alpha, who):
        self._who = who
        self.alpha = _alpha(alpha, who)
        self.levels = None if levels is None else self._check_levels(levels)

    def _check_levels(self, levels):
        out = []
        for k, values in enumerate(levels):
            values = tuple(range(values)) if isinstance(values, (int, np.integer)) else tuple(values)
            if not values or len(set(values)) != len(values):
                raise ValueError(f"{self._who}: levels[{k}] must list distinct values (or give their number), got "
                                 f"{values!r}")
            out.append(values)
        return tuple(out)

    def _fit_levels(self, X):
        if self.levels is None:
            try:
                return tuple(tuple(sorted(set(X[:, k].tolist()))) for k in range(X.shape[1]))
            except TypeError as e:
                raise TypeError(f"{self._who}.fit: a feature mixes values that cannot be ordered ({e}); pass "
                                "levels= to give each feature's values") from None
        if len(self.levels) != X.shape[1]:
            raise ValueError(f"{self._who}.fit: levels has {len(self.levels)} features, the data has {X.shape[1]} "
                             "columns")
        return self.levels

    def _codes(self, X, what):
        """Each value replaced by its index in its feature's levels (a ValueError naming an unknown value)."""
        codes = np.empty(X.shape, dtype=np.int64)
        for k, values in enumerate(self.levels_):
            index = {v: i for i, v in enumerate(values)}
            for n, v in enumerate(X[:, k].tolist()):
                if v not in index:
                    raise ValueError(f"{self._who}.{what}: feature {k} has no value {v!r}; its levels are "
                                     f"{list(values)}")
                codes[n, k] = index[v]
        return codes

    def _require_fitted(self, what):
        if not hasattr(self, "levels_"):
            raise RuntimeError(f"{self._who}.{what}: the model is not fitted; call fit(X) first")

    def _query(self, x, what):
        """(codes, one) for one observation (1-D) or many (2-D)."""
        self._require_fitted(what)
        x = np.asarray(x, dtype=object)
        one = x.ndim == 1
        X = x[None, :] if one else x
        if X.ndim != 2 or X.shape[1] != len(self.levels_):
            raise ValueError(f"{self._who}.{what}: expected one observation of {len(self.levels_)} features (or a 2-D "
                             f"array of them), got shape {x.shape}")
        return self._codes(X, what), one

    @property
    def sample_space_size(self):
        self._require_fitted("sample_space_size")
        return math.prod(len(v) for v in self.levels_)


class NaiveBayes(_Categorical):
    """Naive Bayes (Equations 1-1 to 1-4): the features are independent, p(x) = prod_k p(x_k).

    ``fit(X)`` counts ``counts_[k][l]`` (n_kl) and sets ``theta_[k][l] = (n_kl + alpha) / (N + alpha * L_k)``
    (``alpha=0``: the maximum-likelihood estimate n_kl / N of Equation 1-4).
    """

    def __init__(self, levels=None, alpha=0.0):
        super().__init__(levels, alpha, "NaiveBayes")

    def fit(self, X):
        X = _observations(X, "NaiveBayes.fit")
        self.levels_ = self._fit_levels(X)
        codes = self._codes(X, "fit")
        self.n_observations_ = X.shape[0]
        self.counts_ = [np.bincount(codes[:, k], minlength=len(v)) for k, v in enumerate(self.levels_)]
        self.theta_ = [(c + self.alpha) / (self.n_observations_ + self.alpha * len(c)) for c in self.counts_]
        return self

    @property
    def n_parameters(self):
        """Free parameters: one per value of each feature, less one per feature (the book's 23 for Wrodl)."""
        self._require_fitted("n_parameters")
        return sum(len(v) - 1 for v in self.levels_)

    def table(self, k):
        """Figure 1-9 for feature ``k``: (value, n, theta) rows in the order of its levels."""
        self._require_fitted("table")
        return [(v, int(n), float(t)) for v, n, t in zip(self.levels_[k], self.counts_[k], self.theta_[k])]

    def log_probability(self, x):
        codes, one = self._query(x, "log_probability")
        with np.errstate(divide="ignore"):  # a zero-count value: log 0 = -inf, probability 0
            logp = sum(np.log(self.theta_[k][codes[:, k]]) for k in range(codes.shape[1]))
        return float(logp[0]) if one else logp

    def probability(self, x):
        """p(x) = prod_k theta_k[x_k] of one observation (a float), or of each row of a 2-D array."""
        codes, one = self._query(x, "probability")
        p = np.prod([self.theta_[k][codes[:, k]] for k in range(codes.shape[1])], axis=0)
        return float(p[0]) if one else p

    def sample(self, n, rng=None):
        """``n`` observations drawn feature by feature from theta (an (n, K) object array of the levels' values)."""
        self._require_fitted("sample")
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"NaiveBayes.sample: n must be an int >= 0, got {n!r}")
        rng = _rng(rng, "NaiveBayes.sample")
        out = np.empty((n, len(self.levels_)), dtype=object)
        for k, values in enumerate(self.levels_):
            idx = rng.choice(len(values), size=n, p=self.theta_[k])
            out[:, k] = [values[i] for i in idx]
        return out


class Multinomial(_Categorical):
    """The multinomial model over whole observations (F1:336-374): one parameter per point of the sample
    space (``prod_k L_k`` cells, ``n_parameters = cells - 1``), theta_j = (n_j + alpha) / (N + alpha * cells)."""

    def __init__(self, levels=None, alpha=0.0):
        super().__init__(levels, alpha, "Multinomial")

    def fit(self, X):
        X = _observations(X, "Multinomial.fit")
        self.levels_ = self._fit_levels(X)
        codes = self._codes(X, "fit")
        self.n_observations_ = X.shape[0]
        self._shape = tuple(len(v) for v in self.levels_)
        flat = np.ravel_multi_index(tuple(codes.T), self._shape)
        # counts of the observed cells only: the sample space can be far larger than the data
        cells, counts = np.unique(flat, return_counts=True)
        self._counts = dict(zip(cells.tolist(), counts.tolist()))
        return self

    @property
    def n_parameters(self):
        return self.sample_space_size - 1

    def count(self, x):
        codes, one = self._query(x, "count")
        n = np.array([self._counts.get(c, 0) for c in np.ravel_multi_index(tuple(codes.T), self._shape).tolist()])
        return int(n[0]) if one else n

    def probability(self, x):
        n = self.count(x)
        return (n + self.alpha) / (self.n_observations_ + self.alpha * self.sample_space_size)

    def sample(self, n, rng=None):
        """``n`` observations, each a cell drawn with probability theta_j."""
        self._require_fitted("sample")
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"Multinomial.sample: n must be an int >= 0, got {n!r}")
        rng = _rng(rng, "Multinomial.sample")
        cells = self.sample_space_size
        total = self.n_observations_ + self.alpha * cells
        # draw among the observed cells, or (with the smoothing mass) uniformly over every cell
        observed = np.array(sorted(self._counts), dtype=np.int64)
        weights = np.array([self._counts[c] for c in observed.tolist()], dtype=np.float64) / total
        smooth = self.alpha * cells / total
        pick_uniform = rng.random(n) < smooth
        flat = np.where(pick_uniform, rng.integers(0, cells, size=n),
                        observed[rng.choice(len(observed), size=n, p=weights / weights.sum())])
        codes = np.stack(np.unravel_index(flat, self._shape), axis=1)
        out = np.empty((n, len(self.levels_)), dtype=object)
        for k, values in enumerate(self.levels_):
            out[:, k] = [values[i] for i in codes[:, k]]
        return out
