"""Properties of ledger.merkle: proofs verify, mutated proofs do not, roots agree everywhere.

Small trees are checked exhaustively and against a literal transcription of the RFC 9162 §2.1
recursions (MTH, PATH, SUBPROOF); larger ones (up to 5000 leaves) by hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

BIG_SIZE = 5000
LEAF_DATA = [f"event {i}".encode() for i in range(BIG_SIZE)]
LEAF_HASHES = [leaf_hash(d) for d in LEAF_DATA]
BIG = MerkleTree()
BIG.extend(LEAF_DATA)

# --- RFC 9162 §2.1, transcribed as written (quadratic, for small trees only) ---------------------


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    if not d:
        return EMPTY_ROOT
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


# --- exhaustive over small trees -----------------------------------------------------------------


@pytest.mark.parametrize("size", range(1, 257))
def test_every_inclusion_proof_verifies(size: int) -> None:
    root = BIG.root(size)
    for index in range(size):
        verify_inclusion(LEAF_HASHES[index], index, size, BIG.inclusion_proof(index, size), root)


@pytest.mark.parametrize("size", range(1, 65))
def test_roots_and_inclusion_proofs_follow_the_rfc_recursion(size: int) -> None:
    leaves = LEAF_HASHES[:size]
    assert BIG.root(size) == ref_mth(leaves)
    for index in range(size):
        assert BIG.inclusion_proof(index, size) == ref_path(index, leaves)


@pytest.mark.parametrize("size2", range(1, 65))
def test_every_consistency_proof_verifies_and_follows_the_rfc(size2: int) -> None:
    leaves = LEAF_HASHES[:size2]
    root2 = BIG.root(size2)
    for size1 in range(1, size2 + 1):
        proof = BIG.consistency_proof(size1, size2)
        assert proof == ([] if size1 == size2 else ref_subproof(size1, leaves, True))
        verify_consistency(size1, size2, proof, BIG.root(size1), root2)


@st.composite
def size_pairs(draw: st.DrawFn, max_size: int) -> tuple[int, int]:
    size2 = draw(st.integers(1, max_size))
    return draw(st.integers(1, size2)), size2


@settings(max_examples=300, deadline=None)
@given(size_pairs(256))
def test_consistency_proofs_verify_up_to_256(sizes: tuple[int, int]) -> None:
    size1, size2 = sizes
    proof = BIG.consistency_proof(size1, size2)
    verify_consistency(size1, size2, proof, BIG.root(size1), BIG.root(size2))


# --- larger trees --------------------------------------------------------------------------------


@st.composite
def leaves_of(draw: st.DrawFn, max_size: int) -> tuple[int, int]:
    size = draw(st.integers(1, max_size))
    return draw(st.integers(0, size - 1)), size


@settings(max_examples=150, deadline=None)
@given(leaves_of(BIG_SIZE))
def test_inclusion_proofs_verify_in_large_trees(leaf: tuple[int, int]) -> None:
    index, size = leaf
    proof = BIG.inclusion_proof(index, size)
    verify_inclusion(LEAF_HASHES[index], index, size, proof, BIG.root(size))


@settings(max_examples=150, deadline=None)
@given(size_pairs(BIG_SIZE))
def test_consistency_proofs_verify_in_large_trees(sizes: tuple[int, int]) -> None:
    size1, size2 = sizes
    proof = BIG.consistency_proof(size1, size2)
    verify_consistency(size1, size2, proof, BIG.root(size1), BIG.root(size2))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, BIG_SIZE))
def test_an_old_root_is_the_root_of_a_fresh_tree_of_that_size(size: int) -> None:
    fresh = MerkleTree()
    fresh.extend(LEAF_DATA[:size])
    assert BIG.root(size) == fresh.root() == ref_mth(LEAF_HASHES[:size])
    assert root_of(LEAF_HASHES[:size]) == (size, fresh.root())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=6), max_size=150))
def test_the_root_after_each_append_matches_the_streamed_root(data: list[bytes]) -> None:
    tree = MerkleTree()
    for i, d in enumerate(data):
        assert tree.append(d) == i
        assert tree.root() == ref_mth([leaf_hash(x) for x in data[: i + 1]])
    assert root_of(leaf_hash(d) for d in data) == (tree.size, tree.root())
    for size in range(len(data) + 1):
        assert tree.root(size) == root_of(leaf_hash(d) for d in data[:size])[1]


# --- mutated proofs fail -------------------------------------------------------------------------

MUTATIONS = st.sampled_from(["flip", "drop", "add"])


def _mutate(data: st.DataObject, proof: list[bytes], how: str) -> list[bytes]:
    """One bit flipped, one hash dropped, or one inserted; the caller ensures it is possible."""
    proof = list(proof)
    if how == "flip":
        i = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 8 * len(proof[i]) - 1))
        flipped = bytearray(proof[i])
        flipped[bit // 8] ^= 1 << (bit % 8)
        proof[i] = bytes(flipped)
    elif how == "drop":
        del proof[data.draw(st.integers(0, len(proof) - 1))]
    else:
        # A copy of one of its own hashes is the hardest insertion to notice.
        extra = data.draw(st.sampled_from([*proof, EMPTY_ROOT]))
        proof.insert(data.draw(st.integers(0, len(proof))), extra)
    return proof


@settings(max_examples=300, deadline=None)
@given(leaves_of(600), MUTATIONS, st.data())
def test_a_mutated_inclusion_proof_fails(
    leaf: tuple[int, int], how: str, data: st.DataObject
) -> None:
    index, size = leaf
    proof = BIG.inclusion_proof(index, size)
    if how != "add" and not proof:
        how = "add"
    bad = _mutate(data, proof, how)
    with pytest.raises(ProofError):
        verify_inclusion(LEAF_HASHES[index], index, size, bad, BIG.root(size))


@settings(max_examples=200, deadline=None)
@given(leaves_of(600), st.data())
def test_an_inclusion_proof_does_not_prove_another_leaf_index_or_size(
    leaf: tuple[int, int], data: st.DataObject
) -> None:
    index, size = leaf
    proof, root = BIG.inclusion_proof(index, size), BIG.root(size)
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(b"not a leaf of the tree"), index, size, proof, root)
    other_index = data.draw(st.integers(0, size).filter(lambda i: i != index))
    with pytest.raises(ProofError):
        verify_inclusion(LEAF_HASHES[index], other_index, size, proof, root)
    # A size only means something with its own root: the pair (size, root) is what a log signs.
    other_size = data.draw(st.integers(index + 1, 601).filter(lambda s: s != size))
    with pytest.raises(ProofError):
        verify_inclusion(LEAF_HASHES[index], index, other_size, proof, BIG.root(other_size))


@settings(max_examples=300, deadline=None)
@given(size_pairs(600), MUTATIONS, st.data())
def test_a_mutated_consistency_proof_fails(
    sizes: tuple[int, int], how: str, data: st.DataObject
) -> None:
    size1, size2 = sizes
    proof = BIG.consistency_proof(size1, size2)
    if how != "add" and not proof:
        how = "add"
    bad = _mutate(data, proof, how)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, bad, BIG.root(size1), BIG.root(size2))


@settings(max_examples=200, deadline=None)
@given(size_pairs(600), st.data())
def test_a_consistency_proof_does_not_prove_other_sizes_or_roots(
    sizes: tuple[int, int], data: st.DataObject
) -> None:
    size1, size2 = sizes
    proof, root1, root2 = BIG.consistency_proof(size1, size2), BIG.root(size1), BIG.root(size2)
    other1 = data.draw(st.integers(0, size2).filter(lambda s: s != size1))
    with pytest.raises(ProofError):
        verify_consistency(other1, size2, proof, BIG.root(other1), root2)
    other2 = data.draw(st.integers(1, 601).filter(lambda s: s != size2))
    with pytest.raises(ProofError):
        verify_consistency(size1, other2, proof, root1, BIG.root(other2))
    if root1 != root2:
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof, root2, root1)
    # root1 seeds the hashing when size1 is a power of two (so root2 comes out wrong); otherwise it
    # is only compared with what the proof yields.
    stranger = leaf_hash(b"not a root of the tree")
    power_of_two = size1 & (size1 - 1) == 0
    with pytest.raises(ProofError, match="root2" if power_of_two and size1 < size2 else "root1"):
        verify_consistency(size1, size2, proof, stranger, root2)
    with pytest.raises(ProofError, match="root"):
        verify_consistency(size1, size2, proof, root1, stranger)
