"""Tests of mlhw.metrics against scikit-learn and brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix

from mlhw.metrics import adjusted_rand_index, contingency_table, match_labels, purity

label_pairs = st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 4), min_size=n, max_size=n),
    st.lists(st.integers(0, 6), min_size=n, max_size=n)))


@settings(max_examples=150, deadline=None)
@given(label_pairs)
def test_ari_matches_sklearn(pair):
    t, p = pair
    assert adjusted_rand_index(t, p) == pytest.approx(adjusted_rand_score(t, p), abs=1e-12)
    assert adjusted_rand_index(p, t) == pytest.approx(adjusted_rand_index(t, p), abs=1e-12)


@pytest.mark.parametrize("t,p", [
    ([0], [0]), ([0, 0, 0], [1, 1, 1]), ([0, 1, 2], [5, 6, 7]), ([0, 0, 0], [0, 1, 2]),
    ([0, 0, 1, 1], [0, 1, 0, 1]),
])
def test_ari_edge_cases(t, p):
    assert adjusted_rand_index(t, p) == pytest.approx(adjusted_rand_score(t, p), abs=1e-15)


def test_ari_large_and_random(rng):
    t = rng.integers(0, 10, 200_000)
    p = np.where(rng.random(t.size) < 0.7, t, rng.integers(0, 12, t.size))
    assert adjusted_rand_index(t, p) == pytest.approx(adjusted_rand_score(t, p), rel=1e-12)
    assert abs(adjusted_rand_index(t, rng.permutation(t))) < 1e-3   # chance level


def test_contingency_matches_sklearn(rng):
    t = rng.integers(0, 5, 300)
    p = rng.integers(3, 9, 300)
    table, classes, clusters = contingency_table(t, p)
    np.testing.assert_array_equal(table, contingency_matrix(t, p))
    np.testing.assert_array_equal(classes, np.unique(t))
    np.testing.assert_array_equal(clusters, np.unique(p))


def _purity_by_loop(t, p):
    t, p = np.asarray(t), np.asarray(p)
    good = 0
    for c in set(p.tolist()):
        members = t[p == c]
        good += max(np.sum(members == v) for v in set(members.tolist()))
    return good / len(t)


@settings(max_examples=100, deadline=None)
@given(label_pairs)
def test_purity_by_definition(pair):
    t, p = pair
    assert purity(t, p) == pytest.approx(_purity_by_loop(t, p))
    assert 0 < purity(t, p) <= 1
    assert purity(t, list(range(len(t)))) == 1.0       # singletons are pure
    assert purity(t, [7] * len(t)) == pytest.approx(np.bincount(t).max() / len(t))


def test_purity_and_ari_invariant_to_renaming(rng):
    t = rng.integers(0, 4, 100)
    p = rng.integers(0, 5, 100)
    rename = np.array(["e", "a", "d", "b", "c"])[p]
    assert purity(t, rename) == purity(t, p)
    assert adjusted_rand_index(t, rename) == adjusted_rand_index(t, p)


def _best_one_to_one(t, p):
    classes, clusters = sorted(set(t)), sorted(set(p))
    best = 0
    for perm in itertools.permutations(classes, min(len(classes), len(clusters))):
        for chosen in itertools.combinations(clusters, len(perm)):
            agree = sum(np.sum((np.asarray(p) == c) & (np.asarray(t) == k))
                        for c, k in zip(chosen, perm))
            best = max(best, agree)
    return best / len(t)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 25).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.integers(0, 3), min_size=n, max_size=n))))
def test_match_labels_is_optimal(pair):
    t, p = pair
    m = match_labels(t, p)
    assert m.accuracy == pytest.approx(_best_one_to_one(t, p))
    assert m.accuracy == pytest.approx(np.mean(m.labels == np.asarray(t)))
    matched = [v for v in m.mapping.values() if v is not None]
    assert len(matched) == len(set(matched))            # one-to-one


def test_match_labels_recovers_permutation(rng):
    t = rng.integers(0, 10, 500)
    perm = rng.permutation(10)
    m = match_labels(t, perm[t])
    assert m.accuracy == 1.0
    np.testing.assert_array_equal(m.labels, t)
    assert m.mapping == {int(perm[k]): k for k in range(10)}


def test_match_labels_more_clusters_than_classes():
    m = match_labels(["a", "a", "b", "b", "b"], [0, 0, 1, 1, 2], fill="?")
    assert m.mapping == {0: "a", 1: "b", 2: None}
    assert m.labels.tolist() == ["a", "a", "b", "b", "?"]
    assert m.accuracy == pytest.approx(0.8)
