"""ledger.merkle against the RFC 6962 / RFC 9162 test vectors of transparency-dev/merkle.

The vectors live in tests/data/rfc6962 (Apache-2.0, see its LICENSE and README.md): roots.json for
the tree hashes, and inclusion/*/ and consistency/*/ with one happy path and many mutations each.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from ledger.merkle import (
    EMPTY_ROOT,
    MerkleError,
    MerkleTree,
    ProofError,
    TreeArgumentError,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "rfc6962"
INCLUSION_FILES = sorted(DATA.glob("inclusion/*/*.json"))
CONSISTENCY_FILES = sorted(DATA.glob("consistency/*/*.json"))


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _proof(vector: dict[str, Any]) -> list[bytes]:
    # Go marshals a nil slice as null: no proof hashes at all.
    return [_b64(h) for h in vector["proof"] or []]


def _name(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


_ROOTS = _load(DATA / "roots.json")
LEAVES = [bytes.fromhex(h) for h in _ROOTS["leaf_inputs_hex"]]
ROOTS = [bytes.fromhex(h) for h in _ROOTS["root_hashes_hex_by_size"]]


def _tree_of_known_leaves() -> MerkleTree:
    tree = MerkleTree()
    tree.extend(LEAVES)
    return tree


def test_the_vector_corpus_is_all_there() -> None:
    # Guards the parametrised tests below against silently running on an empty folder.
    assert len(LEAVES) == 8
    assert len(ROOTS) == 9
    assert len(INCLUSION_FILES) == 86
    assert len(CONSISTENCY_FILES) == 84
    assert (DATA / "LICENSE").is_file()
    assert (DATA / "README.md").is_file()


# --- roots.json ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_root_of_the_first_leaves(size: int) -> None:
    fresh = MerkleTree()
    fresh.extend(LEAVES[:size])
    assert fresh.size == size
    assert fresh.root() == ROOTS[size]
    assert _tree_of_known_leaves().root(size) == ROOTS[size]
    assert root_of(leaf_hash(d) for d in LEAVES[:size]) == (size, ROOTS[size])


def test_the_empty_tree_root_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == ROOTS[0]
    assert MerkleTree().root() == EMPTY_ROOT
    assert root_of([]) == (0, EMPTY_ROOT)


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    left, right = leaf_hash(b"a"), leaf_hash(b"b")
    assert left == hashlib.sha256(b"\x00a").digest()
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


# --- inclusion/ and consistency/ -----------------------------------------------------------------


@pytest.mark.parametrize("path", INCLUSION_FILES, ids=_name)
def test_inclusion_vector(path: Path) -> None:
    v = _load(path)
    args = (_b64(v["leafHash"]), v["leafIdx"], v["treeSize"], _proof(v), _b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY_FILES, ids=_name)
def test_consistency_vector(path: Path) -> None:
    v = _load(path)
    args = (v["size1"], v["size2"], _proof(v), _b64(v["root1"]), _b64(v["root2"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def _happy_over_known_leaves(files: list[Path]) -> list[Path]:
    # single-entry/ proves an unknown leaf; every other passing vector is over roots.json's leaves.
    return [p for p in files if not _load(p)["wantErr"] and "single-entry" not in p.parts]


def test_every_numbered_happy_path_is_compared_with_our_proofs() -> None:
    compared = _happy_over_known_leaves(INCLUSION_FILES + CONSISTENCY_FILES)
    assert sorted(_name(p) for p in compared) == sorted(
        f"{kind}/{n}/happy-path.json" for kind in ("consistency", "inclusion") for n in range(5)
    )


@pytest.mark.parametrize("path", _happy_over_known_leaves(INCLUSION_FILES), ids=_name)
def test_our_inclusion_proof_equals_the_vector(path: Path) -> None:
    v = _load(path)
    index, size = v["leafIdx"], v["treeSize"]
    assert _b64(v["root"]) == ROOTS[size]
    assert _b64(v["leafHash"]) == leaf_hash(LEAVES[index])
    assert _tree_of_known_leaves().inclusion_proof(index, size) == _proof(v)


@pytest.mark.parametrize("path", _happy_over_known_leaves(CONSISTENCY_FILES), ids=_name)
def test_our_consistency_proof_equals_the_vector(path: Path) -> None:
    v = _load(path)
    size1, size2 = v["size1"], v["size2"]
    assert (_b64(v["root1"]), _b64(v["root2"])) == (ROOTS[size1], ROOTS[size2])
    assert _tree_of_known_leaves().consistency_proof(size1, size2) == _proof(v)


# --- argument checks -----------------------------------------------------------------------------


def test_the_exception_tree() -> None:
    assert issubclass(ProofError, MerkleError)
    assert issubclass(TreeArgumentError, MerkleError)
    assert issubclass(TreeArgumentError, ValueError)
    assert not issubclass(ProofError, TreeArgumentError)


def test_append_returns_the_index_and_refuses_a_short_hash() -> None:
    tree = MerkleTree()
    assert tree.append(b"first") == 0
    assert tree.append_leaf_hash(leaf_hash(b"second")) == 1
    with pytest.raises(TreeArgumentError, match="32 bytes"):
        tree.append_leaf_hash(b"\x00" * 31)
    assert tree.size == 2
    with pytest.raises(TreeArgumentError):
        root_of([leaf_hash(b"x"), b"short"])


@pytest.mark.parametrize(("index", "size"), [(0, 0), (-1, 3), (3, 3), (0, 9), (8, 9)])
def test_inclusion_proof_outside_the_tree_is_refused(index: int, size: int) -> None:
    with pytest.raises(TreeArgumentError):
        _tree_of_known_leaves().inclusion_proof(index, size)


@pytest.mark.parametrize(("size1", "size2"), [(0, 5), (6, 5), (-1, 2), (1, 9), (0, 0)])
def test_consistency_proof_outside_the_tree_is_refused(size1: int, size2: int) -> None:
    with pytest.raises(TreeArgumentError):
        _tree_of_known_leaves().consistency_proof(size1, size2)


@pytest.mark.parametrize("size", [-1, 9])
def test_root_of_a_size_the_tree_never_had_is_refused(size: int) -> None:
    with pytest.raises(TreeArgumentError):
        _tree_of_known_leaves().root(size)


def test_consistency_of_equal_sizes_is_the_empty_proof() -> None:
    tree = _tree_of_known_leaves()
    assert tree.consistency_proof(5, 5) == []
    verify_consistency(5, 5, [], ROOTS[5], ROOTS[5])
    with pytest.raises(ProofError, match="empty proof"):
        verify_consistency(5, 5, [ROOTS[1]], ROOTS[5], ROOTS[5])
    with pytest.raises(ProofError, match="mismatch"):
        verify_consistency(5, 5, [], ROOTS[5], ROOTS[4])


def test_no_consistency_proof_from_the_empty_tree() -> None:
    # transparency-dev accepts (0, n, []) unconditionally; RFC 9162 defines proofs for 0 < size1.
    with pytest.raises(ProofError, match="size1"):
        verify_consistency(0, 8, [], EMPTY_ROOT, ROOTS[8])
    with pytest.raises(ProofError, match="smaller"):
        verify_consistency(5, 4, [], ROOTS[5], ROOTS[4])


def test_verifiers_refuse_malformed_proofs_before_hashing() -> None:
    tree = _tree_of_known_leaves()
    proof = tree.inclusion_proof(2, 5)
    with pytest.raises(ProofError, match="proof\\[1\\]"):
        verify_inclusion(leaf_hash(LEAVES[2]), 2, 5, [proof[0], proof[1][:-1], proof[2]], ROOTS[5])
    with pytest.raises(ProofError, match="root"):
        verify_inclusion(leaf_hash(LEAVES[2]), 2, 5, proof, ROOTS[5] + b"\x00")
    with pytest.raises(ProofError, match="leaf hash must be 32 bytes"):
        verify_inclusion(leaf_hash(LEAVES[2])[:9], 2, 5, proof, ROOTS[5])
    with pytest.raises(ProofError, match="root2 must be 32 bytes"):
        verify_consistency(5, 5, [], ROOTS[5], b"")
    with pytest.raises(ProofError, match="wrong inclusion proof length"):
        verify_inclusion(leaf_hash(LEAVES[2]), 2, 5, proof[:-1], ROOTS[5])
    with pytest.raises(ProofError, match="wrong consistency proof length"):
        verify_consistency(3, 8, tree.consistency_proof(3, 8)[1:], ROOTS[3], ROOTS[8])
