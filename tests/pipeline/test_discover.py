"""Discovery: every file that entered is listed, fingerprinted, and given one action."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipeline.config import Settings
from pipeline.discover import discover, read_manifest, write_manifest


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_new_file_is_extracted_with_its_sha256(settings: Settings) -> None:
    _write(settings.inbox / "a.txt", b"report a")
    manifest = discover(settings, "r1", known={})
    [entry] = manifest.files
    assert entry.action == "extract"
    assert entry.sha256 == hashlib.sha256(b"report a").hexdigest()
    assert manifest.batches == [[0]]


def test_content_seen_in_an_earlier_run_is_not_extracted_again(settings: Settings) -> None:
    _write(settings.inbox / "a.txt", b"report a")
    manifest = discover(settings, "r2", known={hashlib.sha256(b"report a").hexdigest(): "loaded"})
    assert manifest.files[0].action == "known"
    assert manifest.batches == []


def test_byte_identical_copy_in_the_same_run_is_a_repeat(settings: Settings) -> None:
    _write(settings.inbox / "a.txt", b"same")
    _write(settings.inbox / "b.txt", b"same")
    manifest = discover(settings, "r1", known={})
    assert [f.action for f in manifest.files] == ["extract", "repeat"]
    assert "a.txt" in (manifest.files[1].reason or "")


def test_symlink_leading_out_of_the_inbox_is_refused_unread(settings: Settings, tmp_path: Path) -> None:
    secret = _write(tmp_path / "outside" / "secret.txt", b"not yours")
    os.symlink(secret, settings.inbox / "link.txt")
    manifest = discover(settings, "r1", known={})
    [entry] = manifest.files
    assert entry.action == "refused"
    assert entry.sha256 is None
    assert entry.reason and entry.reason.startswith("symlink_outside_inbox")


def test_partial_and_hidden_files_wait_for_a_later_run(settings: Settings) -> None:
    _write(settings.inbox / "a.pdf.part", b"half")
    _write(settings.inbox / ".hidden.txt", b"x")
    assert discover(settings, "r1", known={}).files == []


def test_files_in_subfolders_are_found_in_a_stable_order(settings: Settings) -> None:
    _write(settings.inbox / "z" / "1.txt", b"1")
    _write(settings.inbox / "a" / "2.txt", b"2")
    names = [Path(f.source_path).relative_to(settings.inbox).as_posix() for f in discover(settings, "r", {}).files]
    assert names == ["a/2.txt", "z/1.txt"]


def test_batches_split_by_batch_size(settings: Settings) -> None:
    small = Settings(inbox=settings.inbox, warehouse=settings.warehouse, state=settings.state, batch_size=2)
    for i in range(5):
        _write(settings.inbox / f"{i}.txt", str(i).encode())
    assert discover(small, "r1", known={}).batches == [[0, 1], [2, 3], [4]]


def test_file_names_with_quotes_semicolons_and_newlines_round_trip(settings: Settings) -> None:
    name = "a'; DROP TABLE raw.documents; --\n\"b\".txt"
    _write(settings.inbox / name, b"x")
    write_manifest(settings, discover(settings, "r1", known={}))
    assert read_manifest(settings, "r1").files[0].file_name == name


def test_unchanged_files_are_not_hashed_again_but_changed_ones_are(settings: Settings, monkeypatch) -> None:
    import pipeline.discover as discover_module

    _write(settings.inbox / "a.txt", b"one")
    discover(settings, "r1", known={})
    hashed: list[str] = []
    real = discover_module.sha256_file
    monkeypatch.setattr(discover_module, "sha256_file", lambda p: hashed.append(p.name) or real(p))
    assert discover(settings, "r2", known={}).files[0].sha256 == hashlib.sha256(b"one").hexdigest()
    assert hashed == []
    (settings.inbox / "a.txt").write_bytes(b"two, longer")
    assert discover(settings, "r3", known={}).files[0].sha256 == hashlib.sha256(b"two, longer").hexdigest()
    assert hashed == ["a.txt"]
