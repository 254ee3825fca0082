"""Foster ch. 1: the multinomial model and Naive Bayes (``nnspec.zoo.naive_bayes``) on the book's Wrodl numbers.

The book prints only the first 10 of its 50 Wrodl observations (Figure 1-8) and the per-feature counts of all
50 (Figure 1-9). The data set below is those 10 rows, the book's combination 1 a second time (F1:354-360: it
"appears twice in the dataset"), and 39 rows that complete each feature's counts to Figure 1-9's, each column
in the order of the feature's values; Naive Bayes depends on the counts only, so every number of the book's
model is reproduced. Expected values are the book's (n / 50) or the products written out here in float64.
Pure NumPy: these tests need no implementation.
"""

import math
from collections import Counter

import numpy as np
import pytest

from nnspec.zoo.naive_bayes import WRODL_FEATURES, WRODL_LEVELS, Multinomial, NaiveBayes

# Figure 1-8 (F1:308-320), columns as printed: accessoriesType, clotheColor, clotheType, hairColor, topType
FIGURE_1_8 = [
    ("Round", "White", "ShirtScoopNeck", "Red", "ShortHairShortFlat"),
    ("Round", "White", "Overall", "SilverGray", "ShortHairFrizzle"),
    ("Sunglasses", "White", "ShirtScoopNeck", "Blonde", "ShortHairShortFlat"),
    ("Round", "White", "ShirtScoopNeck", "Red", "LongHairStraight"),
    ("Round", "White", "Overall", "SilverGray", "NoHair"),
    ("Blank", "White", "Overall", "Black", "LongHairStraight"),
    ("Sunglasses", "White", "Overall", "SilverGray", "LongHairStraight"),
    ("Round", "White", "ShirtScoopNeck", "SilverGray", "ShortHairShortFlat"),
    ("Round", "Pink", "Hoodie", "SilverGray", "LongHairStraight"),
    ("Round", "PastelOrange", "ShirtScoopNeck", "Blonde", "LongHairStraight"),
]

# Figure 1-9 (F1:422-465): n per value, in the order of WRODL_LEVELS (topType, hairColor, accessoriesType,
# clotheType, clotheColor); the book's theta is n / 50.
FIGURE_1_9 = (
    (7, 0, 1, 23, 1, 11, 7),
    (7, 6, 2, 3, 8, 24),
    (11, 22, 17),
    (7, 18, 19, 6),
    (0, 4, 10, 5, 2, 4, 3, 22),
)
FIGURE_1_9_THETA = (
    (0.14, 0.00, 0.02, 0.46, 0.02, 0.22, 0.14),
    (0.14, 0.12, 0.04, 0.06, 0.16, 0.48),
    (0.22, 0.44, 0.34),
    (0.14, 0.36, 0.38, 0.12),
    (0.00, 0.08, 0.20, 0.10, 0.04, 0.08, 0.06, 0.44),
)

COMBINATION_1 = ("LongHairStraight", "Red", "Round", "ShirtScoopNeck", "White")  # F1:356, twice in the data
COMBINATION_2 = ("LongHairStraight", "Red", "Round", "ShirtScoopNeck", "Blue01")  # F1:364, not in the data


def wrodl():
    """The 50 observations (topType, hairColor, accessoriesType, clotheType, clotheColor), see the docstring."""
    rows = [(top, hair.replace("SilverGray", "SilverGrey"), acc, ctype, color)  # erratum E23: one spelling
            for acc, color, ctype, hair, top in FIGURE_1_8]
    rows.append(COMBINATION_1)
    columns = []
    for k, values in enumerate(WRODL_LEVELS):
        have = Counter(r[k] for r in rows)
        columns.append([v for v, n in zip(values, FIGURE_1_9[k]) for _ in range(n - have[v])])
    rows += list(zip(*columns))
    return np.array(rows, dtype=object)


@pytest.fixture(scope="module")
def data():
    return wrodl()


@pytest.fixture(scope="module")
def model(data):
    return NaiveBayes(levels=WRODL_LEVELS).fit(data)


def test_the_data_has_the_books_counts(data):
    # the fixture itself: 50 rows, Figure 1-9's counts, combination 1 twice and combination 2 never
    assert data.shape == (50, 5) == (50, len(WRODL_FEATURES))
    for k, values in enumerate(WRODL_LEVELS):
        counts = Counter(data[:, k].tolist())
        assert tuple(counts[v] for v in values) == FIGURE_1_9[k]
        assert sum(FIGURE_1_9[k]) == 50
    rows = [tuple(r) for r in data.tolist()]
    assert rows.count(COMBINATION_1) == 2 and rows.count(COMBINATION_2) == 0


def test_sample_space_and_parameter_counts(model, data):
    # F1:336: 7 x 6 x 3 x 4 x 8 = 4032 points; F1:342: d = 4031; F1:410: 7 + 6 + 3 + 4 + 8 - 5 = 23
    assert [len(v) for v in WRODL_LEVELS] == [7, 6, 3, 4, 8]
    assert model.sample_space_size == 4032
    assert model.n_parameters == 7 + 6 + 3 + 4 + 8 - 5 == 23
    assert Multinomial(levels=WRODL_LEVELS).fit(data).n_parameters == 4031


def test_mle_table_is_figure_1_9(model):
    for k in range(5):
        table = model.table(k)
        assert [v for v, _, _ in table] == list(WRODL_LEVELS[k])
        assert [n for _, n, _ in table] == list(FIGURE_1_9[k])
        np.testing.assert_allclose([t for _, _, t in table], FIGURE_1_9_THETA[k], rtol=0, atol=1e-15)
        assert math.fsum(t for _, _, t in table) == pytest.approx(1.0, abs=1e-15)


def test_worked_probability_blue01_is_the_books_0_00098(model):
    # F1:470-476 multiplies 0.46 x 0.16 x 0.44 x 0.38 x 0.08 (Blue01) and prints 0.00098
    p = model.probability(COMBINATION_2)
    assert p == pytest.approx(0.46 * 0.16 * 0.44 * 0.38 * 0.08, rel=1e-12)
    assert p == pytest.approx(0.0009844736, rel=1e-9) and round(p, 5) == 0.00098


def test_worked_probability_white_is_what_the_model_gives(model):
    # the book's left-hand side names White (erratum E21): the model gives 0.44 for White, not 0.08
    p = model.probability(COMBINATION_1)
    assert p == pytest.approx(0.46 * 0.16 * 0.44 * 0.38 * 0.44, rel=1e-12)
    assert p == pytest.approx(0.0054146048, rel=1e-9)
    # "it has a higher probability of being sampled than ... Blue01, because white clothing appears more"
    assert p > model.probability(COMBINATION_2)


def test_probability_of_many_rows_and_log_probability(model, data):
    p = model.probability(data)
    assert p.shape == (50,)
    expected = [math.prod(FIGURE_1_9[k][WRODL_LEVELS[k].index(row[k])] / 50 for k in range(5)) for row in data]
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    np.testing.assert_allclose(model.log_probability(data), np.log(expected), rtol=1e-12)
    assert model.log_probability(COMBINATION_2) == pytest.approx(math.log(0.46 * 0.16 * 0.44 * 0.38 * 0.08))


def test_unseen_values_have_probability_zero_without_smoothing(model):
    never = ("LongHairBun", "Red", "Round", "ShirtScoopNeck", "White")  # LongHairBun: n = 0
    assert model.probability(never) == 0.0
    assert model.log_probability(never) == -math.inf


def test_additive_smoothing_per_feature(data):
    # (n_kl + alpha) / (N + alpha L_k): LongHairBun (0 of 50, 7 values) gets 1/57; topType sums to 1
    m = NaiveBayes(levels=WRODL_LEVELS, alpha=1).fit(data)
    assert m.theta_[0][1] == pytest.approx(1 / 57, rel=1e-15)
    assert m.theta_[0][3] == pytest.approx(24 / 57, rel=1e-15)
    for k in range(5):
        assert math.fsum(m.theta_[k]) == pytest.approx(1.0, abs=1e-15)
    expected = (24 / 57) * (9 / 56) * (23 / 53) * (20 / 54) * (5 / 58)
    assert m.probability(COMBINATION_2) == pytest.approx(expected, rel=1e-12)
    m2 = NaiveBayes(levels=WRODL_LEVELS, alpha=0.5).fit(data)
    assert m2.theta_[4][0] == pytest.approx(0.5 / 54, rel=1e-15)  # clothing Black: 0 of 50, 8 values


def test_multinomial_mle_is_the_books(data):
    # F1:354-368: combination 1 twice, theta = 2/50 = 0.04; combination 2 never, theta = 0/50
    m = Multinomial(levels=WRODL_LEVELS).fit(data)
    assert m.count(COMBINATION_1) == 2 and m.count(COMBINATION_2) == 0
    assert m.probability(COMBINATION_1) == pytest.approx(0.04, rel=1e-15)
    assert m.probability(COMBINATION_2) == 0.0


def test_multinomial_smoothing_normalizes_with_the_number_of_cells(data):
    # The book writes (n + 1) / (N + d), d = 4031, which sums to 4082/4081 (erratum E22); the model divides
    # by N + 4032 (one pseudocount per cell) so the distribution sums to 1: 3/4082 and 1/4082.
    m = Multinomial(levels=WRODL_LEVELS, alpha=1).fit(data)
    assert m.probability(COMBINATION_1) == pytest.approx(3 / 4082, rel=1e-15)
    assert m.probability(COMBINATION_2) == pytest.approx(1 / 4082, rel=1e-15)
    distinct = Counter(tuple(r) for r in data.tolist())
    total = sum((n + 1) / 4082 for n in distinct.values()) + (4032 - len(distinct)) / 4082
    assert total == pytest.approx(1.0, abs=1e-12)
    assert 3 / 4081 != pytest.approx(m.probability(COMBINATION_1), rel=1e-6)  # not the book's denominator


def test_sampling_is_deterministic_with_a_seed(model):
    a = model.sample(100, np.random.default_rng(7))
    b = model.sample(100, np.random.default_rng(7))
    c = model.sample(100, 7)
    assert a.shape == (100, 5)
    assert a.tolist() == b.tolist() == c.tolist()
    assert a.tolist() != model.sample(100, 8).tolist()
    assert model.sample(0, 1).shape == (0, 5)


def test_sample_frequencies_follow_the_mle_table(model):
    # per feature, each value's frequency is within 5 standard errors of theta; zero-count values never appear
    n = 100_000
    s = model.sample(n, np.random.default_rng(2019))
    for k, values in enumerate(WRODL_LEVELS):
        freq = Counter(s[:, k].tolist())
        for v, theta in zip(values, FIGURE_1_9_THETA[k]):
            if theta == 0:
                assert freq[v] == 0, v
            else:
                assert abs(freq[v] / n - theta) <= 5 * math.sqrt(theta * (1 - theta) / n), (v, freq[v] / n, theta)


def test_sampled_features_are_independent(model):
    # Naive Bayes draws each feature on its own: joint frequency ~ product of marginals
    n = 100_000
    s = model.sample(n, np.random.default_rng(3))
    joint = np.mean((s[:, 0] == "LongHairStraight") & (s[:, 1] == "SilverGrey"))
    p = 0.46 * 0.48
    assert abs(joint - p) <= 5 * math.sqrt(p * (1 - p) / n)


def test_multinomial_samples_only_observed_combinations_without_smoothing(data):
    m = Multinomial(levels=WRODL_LEVELS).fit(data)
    n = 50_000
    s = [tuple(r) for r in m.sample(n, np.random.default_rng(5)).tolist()]
    seen = Counter(tuple(r) for r in data.tolist())
    assert set(s) <= set(seen)
    assert abs(s.count(COMBINATION_1) / n - 0.04) <= 5 * math.sqrt(0.04 * 0.96 / n)


def test_multinomial_smoothed_sampling_reaches_unseen_cells(data):
    # alpha = 1: the unseen cells together carry (4032 - distinct) / 4082 of the mass
    m = Multinomial(levels=WRODL_LEVELS, alpha=1).fit(data)
    n = 50_000
    s = m.sample(n, np.random.default_rng(11))
    seen = {tuple(r) for r in data.tolist()}
    unseen = np.mean([tuple(r) not in seen for r in s.tolist()])
    p = (4032 - len(seen)) / 4082
    assert abs(unseen - p) <= 5 * math.sqrt(p * (1 - p) / n)


def test_levels_default_to_the_values_seen_sorted():
    X = np.array([["b", 2], ["a", 2], ["b", 1], ["b", 2]], dtype=object)
    m = NaiveBayes().fit(X)
    assert m.levels_ == (("a", "b"), (1, 2))
    np.testing.assert_allclose(m.theta_[0], [1 / 4, 3 / 4])
    np.testing.assert_allclose(m.theta_[1], [1 / 4, 3 / 4])
    assert m.n_parameters == 2
    assert m.probability(["a", 1]) == pytest.approx(1 / 16)


def test_integer_levels_planet_pixel_style():
    # F1:494: pixels taking one of 256 values; levels given as counts mean range(count)
    rng = np.random.default_rng(0)
    X = rng.integers(0, 4, size=(200, 3))
    m = NaiveBayes(levels=[4, 4, 4], alpha=1).fit(X)
    assert m.n_parameters == 9
    for k in range(3):
        expected = (np.bincount(X[:, k], minlength=4) + 1) / (200 + 4)
        np.testing.assert_allclose(m.theta_[k], expected, rtol=1e-15)
    assert set(np.unique(m.sample(500, 1).astype(int))) <= {0, 1, 2, 3}


@pytest.mark.parametrize("make, call, match", [
    (lambda: NaiveBayes(alpha=-1), None, r"NaiveBayes: alpha .* >= 0, got -1"),
    (lambda: NaiveBayes(levels=[("a", "a")]), None, r"NaiveBayes: levels\[0\] must list distinct values"),
    (lambda: NaiveBayes().fit(np.array(["a", "b"])), None, r"NaiveBayes.fit: expected a non-empty 2-D array.*\(2,\)"),
    (lambda: NaiveBayes(levels=WRODL_LEVELS).fit([["NoHair"]]), None,
     r"NaiveBayes.fit: levels has 5 features, the data has 1 columns"),
    (lambda: NaiveBayes(levels=[("a",)]).fit([["b"]]), None, r"NaiveBayes.fit: feature 0 has no value 'b'"),
    (lambda: NaiveBayes().fit([["a", 1]]), lambda m: m.probability(["a"]),
     r"NaiveBayes.probability: expected one observation of 2 features"),
    (lambda: NaiveBayes().fit([["a", 1]]), lambda m: m.probability(["c", 1]),
     r"NaiveBayes.probability: feature 0 has no value 'c'; its levels are \['a'\]"),
    (lambda: NaiveBayes().fit([["a", 1]]), lambda m: m.sample(-1), r"NaiveBayes.sample: n must be an int >= 0"),
    (lambda: Multinomial(alpha=float("nan")), None, r"Multinomial: alpha"),
])
def test_bad_input_is_a_clear_error(make, call, match):
    with pytest.raises(ValueError, match=match):
        m = make()
        if call is not None:
            call(m)


def test_unfitted_model_and_bad_rng_are_clear_errors():
    with pytest.raises(RuntimeError, match=r"NaiveBayes.probability: the model is not fitted; call fit\(X\) first"):
        NaiveBayes().probability(["a"])
    with pytest.raises(RuntimeError, match=r"Multinomial.sample: the model is not fitted"):
        Multinomial().sample(3)
    with pytest.raises(TypeError, match=r"NaiveBayes.sample: rng must be a numpy.random.Generator.*got str"):
        NaiveBayes().fit([["a"]]).sample(3, rng="seed")
    with pytest.raises(TypeError, match=r"NaiveBayes.fit: a feature mixes values that cannot be ordered.*levels="):
        NaiveBayes().fit(np.array([["a"], [1]], dtype=object))
