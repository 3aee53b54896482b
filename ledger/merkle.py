"""RFC 9162 §2.1 Merkle trees over SHA-256: an append-only tree, its proofs and their verifiers.

Hashing (§2.1.1)::

    MTH({})         = SHA-256()                  the empty tree
    leaf_hash(d)    = SHA-256(0x00 || d)         one leaf
    node_hash(l, r) = SHA-256(0x01 || l || r)    an interior node

``MerkleTree`` appends leaves and answers, for its current size or any earlier one, the root,
the inclusion proof of a leaf (PATH, §2.1.3.1) and the consistency proof between two sizes
(SUBPROOF, §2.1.4.1). ``root_of`` folds a stream of leaf hashes in O(log n) memory
(``roots_of``: with the roots of chosen prefixes on the way).
``verify_inclusion`` and ``verify_consistency`` follow §2.1.3.2 and §2.1.4.2 step by step, with the
argument checks of transparency-dev/merkle's ``proof`` package: every hash is 32 bytes, a leaf
index must be below the tree size, there is no consistency proof from the empty tree, equal sizes
need an empty proof and equal roots, and a proof of the wrong length is refused before hashing.

Everything this module refuses is a ``MerkleError``::

    MerkleError                  anything this module refuses
    ├── ProofError               a proof does not verify, or its arguments are malformed
    └── TreeArgumentError        (also a ValueError) a tree or root_of call names a leaf or size
                                 the tree does not have, or passes a hash that is not 32 bytes

Storage: the leaf hashes sit in one ``bytearray`` (32 bytes a leaf, the floor for a tree that must
prove any leaf); complete perfect subtrees of 2**5 leaves and more are cached level by level
(another ~2 bytes a leaf), smaller ones are re-hashed from the leaves when a proof needs them.
Ten million leaves thus take ~325 MiB, 305 of them the leaf hashes. A tree is not thread-safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleError",
    "MerkleTree",
    "ProofError",
    "TreeArgumentError",
    "leaf_hash",
    "node_hash",
    "root_of",
    "roots_of",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
#: MTH of the empty list (§2.1.1): the hash of no bytes, with no domain prefix.
EMPTY_ROOT = hashlib.sha256(b"").digest()

# Domain separation (§2.1.1) so that no leaf can be passed off as an interior node.
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

# Caching every level would double the memory (n leaves have n - 1 interior nodes); caching from
# level 5 up costs 1/16 of the leaves' bytes, and re-hashing a missing subtree costs < 32 hashes.
_FIRST_CACHED_LEVEL = 5


class MerkleError(Exception):
    """Anything this module refuses."""


class ProofError(MerkleError):
    """An inclusion or consistency proof does not verify, or its arguments are malformed."""


class TreeArgumentError(MerkleError, ValueError):
    """A leaf index or tree size the tree does not have, or a hash that is not 32 bytes."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


# --- helpers shared by the tree and the verifiers ------------------------------------------------


def _largest_power_of_two_below(n: int) -> int:
    """The k of §2.1.1: the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _fold(subtree_roots: Sequence[bytes]) -> bytes:
    """The root over perfect subtrees listed biggest (leftmost) first.

    Right to left, because RFC 9162 splits off the biggest power of two on the left, so the
    smaller subtrees on the right are joined first.
    """
    if not subtree_roots:
        return EMPTY_ROOT
    root = subtree_roots[-1]
    for left in reversed(subtree_roots[:-1]):
        root = node_hash(left, root)
    return root


def _push(stack: list[bytes], size: int, node: bytes) -> None:
    """Add leaf number ``size`` to ``stack``, the perfect subtree roots of the first ``size``.

    Each trailing 1-bit of ``size`` is a pending left subtree that this leaf completes; a merged
    node is pushed in their place.
    """
    while size & 1:
        node = node_hash(stack.pop(), node)
        size >>= 1
    stack.append(node)


def _require_tree_hash(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise TreeArgumentError(f"{what} must be {HASH_SIZE} bytes, got {len(h)}")


def root_of(leaf_hashes: Iterable[bytes]) -> tuple[int, bytes]:
    """The size and root of the tree over ``leaf_hashes``, holding only O(log n) hashes.

    For a verifier that recomputes a published root from a stream of leaves it cannot keep.
    """
    size, root, _ = roots_of(leaf_hashes, ())
    return size, root


def roots_of(
    leaf_hashes: Iterable[bytes], sizes: Collection[int]
) -> tuple[int, bytes, dict[int, bytes]]:
    """As ``root_of``, and the root of the first n leaves for each n of ``sizes`` that the
    stream reaches (a size past its end is left out): in the same pass, O(log n) memory."""
    stack: list[bytes] = []
    size = 0
    wanted = set(sizes)
    found: dict[int, bytes] = {0: EMPTY_ROOT} if 0 in wanted else {}
    for h in leaf_hashes:
        _require_tree_hash(h, f"leaf hash #{size}")
        _push(stack, size, bytes(h))
        size += 1
        if size in wanted:
            found[size] = _fold(stack)
    return size, _fold(stack), found


# --- the tree ------------------------------------------------------------------------------------


class MerkleTree:
    """An append-only RFC 9162 Merkle tree that can prove any leaf against any of its sizes.

    Appending is O(1) hashes amortised; ``root()`` of the current size is O(log n) and memoised;
    ``root(size)``, ``inclusion_proof`` and ``consistency_proof`` for any earlier size read
    O(log n) cached nodes plus fewer than 2**5 re-hashed leaves per proof element.
    """

    __slots__ = ("_frontier", "_leaves", "_levels", "_root", "_size")

    def __init__(self) -> None:
        self._size = 0
        # Leaf i lives at [32 i, 32 i + 32): one buffer, no per-leaf object overhead.
        self._leaves = bytearray()
        # _levels[j] holds, in order, every complete node of level j + _FIRST_CACHED_LEVEL.
        self._levels: list[bytearray] = []
        # Roots of the perfect subtrees that make up the whole tree, biggest first.
        self._frontier: list[bytes] = []
        # root() memo, cleared by every append.
        self._root: bytes | None = EMPTY_ROOT

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._size

    def append(self, data: bytes) -> int:
        """Hash ``data`` as a leaf, append it, and return its index."""
        return self.append_leaf_hash(leaf_hash(data))

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append every item of ``leaves`` as leaf data, in order."""
        for data in leaves:
            self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, h: bytes) -> int:
        """Append an already computed leaf hash (``leaf_hash(data)``) and return its index."""
        _require_tree_hash(h, "leaf hash")
        index = self._size
        node = bytes(h)
        self._leaves += node
        size, level = index, 0
        # Same merge as _push, but nodes high enough to cache are kept as they complete.
        while size & 1:
            node = node_hash(self._frontier.pop(), node)
            size >>= 1
            level += 1
            if level >= _FIRST_CACHED_LEVEL:
                self._cache(level, node)
        self._frontier.append(node)
        self._size = index + 1
        self._root = None
        return index

    def root(self, size: int | None = None) -> bytes:
        """The root of the first ``size`` leaves (all of them by default)."""
        if size is None or size == self._size:
            if self._root is None:
                self._root = _fold(self._frontier)
            return self._root
        self._require_size(size, "size", minimum=0)
        return self._range_hash(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[0:size]) of §2.1.3.1: sibling hashes from the leaf up to the root."""
        self._require_size(size, "size", minimum=1)
        if not 0 <= index < size:
            raise TreeArgumentError(f"leaf index {index} is outside a tree of size {size}")
        proof: list[bytes] = []
        begin, end = 0, size
        # Walk down as PATH recurses, collecting each sibling subtree; the RFC lists them leaf
        # first, hence the reverse.
        while end - begin > 1:
            split = begin + _largest_power_of_two_below(end - begin)
            if index < split:
                proof.append(self._range_hash(split, end))
                end = split
            else:
                proof.append(self._range_hash(begin, split))
                begin = split
        proof.reverse()
        return proof

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """PROOF(size1, D[0:size2]) of §2.1.4.1; empty when the sizes are equal.

        There is none from the empty tree (RFC 9162 defines it for 0 < size1), and the verifier
        refuses size1 = 0, so neither is it produced.
        """
        self._require_size(size2, "size2", minimum=1)
        if not 1 <= size1 <= size2:
            raise TreeArgumentError(f"size1 must be in 1..size2 ({size2}), got {size1}")
        proof: list[bytes] = []
        begin, end = 0, size2
        old_tree_is_a_node = True  # SUBPROOF's b: the old root is itself a node of this subtree
        while size1 < end:
            split = begin + _largest_power_of_two_below(end - begin)
            if size1 <= split:
                proof.append(self._range_hash(split, end))
                end = split
            else:
                proof.append(self._range_hash(begin, split))
                begin = split
                old_tree_is_a_node = False
        # size1 == end: [begin, end) is a subtree of both trees; the verifier knows it only when
        # it is the whole old tree.
        if not old_tree_is_a_node:
            proof.append(self._range_hash(begin, end))
        proof.reverse()
        return proof

    # --- internals ---

    def _require_size(self, size: int, what: str, *, minimum: int) -> None:
        if not minimum <= size <= self._size:
            raise TreeArgumentError(
                f"{what} must be in {minimum}..{self._size} (the tree's size), got {size}"
            )

    def _cache(self, level: int, node: bytes) -> None:
        row = level - _FIRST_CACHED_LEVEL
        if row == len(self._levels):
            self._levels.append(bytearray())
        self._levels[row] += node

    def _range_hash(self, begin: int, end: int) -> bytes:
        """MTH of leaves [begin, end).

        Only for the ranges PATH and SUBPROOF visit: ``begin`` is a multiple of a power of two no
        smaller than ``end - begin``, so the range splits into aligned perfect subtrees, one per
        1-bit of its length, biggest first.
        """
        subtrees: list[bytes] = []
        while begin < end:
            level = (end - begin).bit_length() - 1
            subtrees.append(self._node(level, begin >> level))
            begin += 1 << level
        return _fold(subtrees)

    def _node(self, level: int, index: int) -> bytes:
        """The complete node ``index`` of ``level`` (leaves are level 0)."""
        if level >= _FIRST_CACHED_LEVEL:
            row = self._levels[level - _FIRST_CACHED_LEVEL]
            return bytes(row[index * HASH_SIZE : (index + 1) * HASH_SIZE])
        first = (index << level) * HASH_SIZE
        block = self._leaves[first : first + (HASH_SIZE << level)]
        hashes = [bytes(block[i : i + HASH_SIZE]) for i in range(0, len(block), HASH_SIZE)]
        # Below the cache the subtree is small (< 2**_FIRST_CACHED_LEVEL leaves): re-hash it.
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]


# --- verifiers -----------------------------------------------------------------------------------


def _require_proof_hash(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(h)}")


def _require_proof_hashes(proof: Sequence[bytes]) -> None:
    for i, h in enumerate(proof):
        _require_proof_hash(h, f"proof[{i}]")


def _require_match(calculated: bytes, expected: bytes, what: str) -> None:
    if calculated != expected:
        raise ProofError(
            f"{what} mismatch: the proof yields {calculated.hex()}, expected {expected.hex()}"
        )


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift fn and sn equally until LSB(fn) is set or fn is 0 (§2.1.3.2, §2.1.4.2)."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def _inclusion_proof_length(index: int, size: int) -> int:
    """Hashes in PATH(index, D[size]): levels below the split from the tree's right edge
    (``inner``), then one per left sibling above it (``border``), as transparency-dev counts."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner + border


def _consistency_proof_length(size1: int, size2: int) -> int:
    """Hashes in PROOF(size1, D[size2]) for 0 < size1 < size2 (transparency-dev's count)."""
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> inner).bit_count()
    shift = (size1 & -size1).bit_length() - 1  # trailing zeros: size1's last subtree is 2**shift
    # Unless the old tree is a single perfect subtree, the proof starts with that subtree's root.
    seed = 0 if size1 == 1 << shift else 1
    return seed + inner - shift + border


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    Returns nothing; raises ``ProofError`` saying why when the proof does not verify.
    """
    _require_proof_hash(leaf_hash, "leaf hash")
    _require_proof_hash(root, "root")
    _require_proof_hashes(proof)
    if not 0 <= index < size:  # §2.1.3.2 step 1
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    want = _inclusion_proof_length(index, size)
    if len(proof) != want:
        raise ProofError(
            f"wrong inclusion proof length {len(proof)}: leaf {index} of {size} needs {want}"
        )
    _require_match(_root_from_inclusion_path(leaf_hash, index, size, proof), root, "root")


def _root_from_inclusion_path(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """§2.1.3.2 steps 2 to 5, up to the comparison with the root."""
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # On the tree's right edge: levels where this node has no right sibling are skipped.
            fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the path to the root")
    return r


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of ``size2`` leaves and ``root2`` extends that of ``size1``/``root1``.

    Returns nothing; raises ``ProofError`` saying why when the proof does not verify.
    """
    _require_proof_hash(root1, "root1")
    _require_proof_hash(root2, "root2")
    _require_proof_hashes(proof)
    if size1 < 1:
        raise ProofError(f"size1 must be at least 1 (no proof from the empty tree), got {size1}")
    if size2 < size1:
        raise ProofError(f"size2 ({size2}) is smaller than size1 ({size1})")
    if size1 == size2:
        if proof:
            raise ProofError(f"size1 = size2 = {size1} needs an empty proof, got {len(proof)}")
        _require_match(root1, root2, "root1 against root2 of the same size")
        return
    want = _consistency_proof_length(size1, size2)
    if len(proof) != want:
        raise ProofError(
            f"wrong consistency proof length {len(proof)}: {size1} to {size2} needs {want}"
        )
    fr, sr = _roots_from_consistency_path(size1, size2, proof, root1)
    _require_match(fr, root1, "root1")
    _require_match(sr, root2, "root2")


def _roots_from_consistency_path(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes
) -> tuple[bytes, bytes]:
    """§2.1.4.2 steps 1 to 7, up to the comparisons with the two roots: returns (fr, sr)."""
    if not proof:  # step 1
        raise ProofError("empty consistency proof")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: the old tree is a perfect subtree the proof omits
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            raise ProofError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:  # step 7
        raise ProofError("consistency proof is shorter than the path to the root")
    return fr, sr
