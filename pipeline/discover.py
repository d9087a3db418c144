"""Find the files in the inbox, fingerprint them, and decide what each run must do.

Discovery is the inbox boundary: only regular files that really live inside the inbox are
read (a symlink or path that leads out is refused unread); every file that entered is
listed in the manifest with an action, so the ledger can account for all of them later.
Content already accounted for in an earlier run (same sha256) is not extracted again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import Settings

log = logging.getLogger(__name__)

#: Names that are still being written or are editor/OS droppings; picked up once complete.
_IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", ".partial")
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class InboxFile:
    """One file that entered the inbox, and what this run will do with it."""

    seq: int
    source_path: str
    file_name: str
    size_bytes: int | None
    mtime: str | None
    sha256: str | None
    action: str  # extract | known | repeat | refused
    reason: str | None = None
    repeat_of: str | None = None


@dataclass
class Manifest:
    run_id: str
    inbox: str
    created_at: str
    files: list[InboxFile] = field(default_factory=list)
    batches: list[list[int]] = field(default_factory=list)  # seq numbers per extraction batch

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        files = [InboxFile(**f) for f in data.pop("files")]
        return cls(files=files, **data)

    def by_seq(self) -> dict[int, InboxFile]:
        return {f.seq: f for f in self.files}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Stream the file so a huge one never sits in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class HashCache:
    """sha256 of files seen before, keyed by path and (size, mtime in ns), as git's index does.

    Re-hashing a whole archive-sized inbox on every run is the largest cost of a run with
    nothing new; a file whose size and modification time are unchanged keeps its hash.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.entries: dict[str, list] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.seen: dict[str, list] = {}

    def sha256(self, path: Path, stat: os.stat_result) -> str:
        key = str(path)
        cached = self.entries.get(key)
        if cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            digest = cached[2]
        else:
            digest = sha256_file(path)
        self.seen[key] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        """Keep only files still present; written atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.seen), encoding="utf-8")
        os.replace(tmp, self.path)


def _is_ignored(name: str) -> bool:
    return name in _IGNORED_NAMES or name.startswith(".") or name.lower().endswith(_IGNORED_SUFFIXES)


def walk_inbox(inbox: Path) -> Iterable[Path]:
    """Every candidate path under the inbox, in a stable order, without following links."""
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not _is_ignored(name):
                yield Path(dirpath) / name


def _refusal(path: Path, inbox: Path) -> str | None:
    """Why a path must not be opened, or None when it is a regular file inside the inbox."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(inbox):
            return f"symlink_outside_inbox: {path.name} points outside the inbox; copy the file in instead"
        if not target.is_file():
            return f"not_a_regular_file: {path.name} is a link to something that is not a file"
        return None
    if not path.is_file():
        return f"not_a_regular_file: {path.name} is not a regular file (device, socket or fifo)"
    if not path.resolve().is_relative_to(inbox):
        return f"path_outside_inbox: {path.name} resolves outside the inbox"
    return None


def discover(settings: Settings, run_id: str, known: dict[str, str]) -> Manifest:
    """List the inbox and assign each file an action.

    `known` maps sha256 → ledger status for content accounted for in earlier runs.
    """
    inbox = settings.inbox.resolve()
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist; create it or pass INBOX=<folder>")
    manifest = Manifest(run_id=run_id, inbox=str(inbox), created_at=datetime.now(UTC).isoformat())
    first_seq_of_sha: dict[str, int] = {}
    hashes = HashCache(settings.state / "discover_hashes.json")
    for seq, path in enumerate(walk_inbox(inbox)):
        entry = InboxFile(
            seq=seq, source_path=str(path), file_name=path.name, size_bytes=None, mtime=None,
            sha256=None, action="refused",
        )
        manifest.files.append(entry)
        refusal = _refusal(path, inbox)
        if refusal:
            entry.reason = refusal
            continue
        stat = path.stat()
        entry.size_bytes = stat.st_size
        entry.mtime = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat()
        entry.sha256 = hashes.sha256(path, stat)
        if entry.sha256 in known:
            entry.action = "known"
            entry.reason = f"content already ingested (ledger status {known[entry.sha256]})"
        elif entry.sha256 in first_seq_of_sha:
            entry.action = "repeat"
            entry.repeat_of = entry.sha256
            first = manifest.files[first_seq_of_sha[entry.sha256]]
            entry.reason = f"byte-identical to {first.file_name} in the same run"
        else:
            first_seq_of_sha[entry.sha256] = seq
            entry.action = "extract"
    hashes.save()
    to_extract = [f.seq for f in manifest.files if f.action == "extract"]
    size = max(1, settings.batch_size)
    manifest.batches = [to_extract[i : i + size] for i in range(0, len(to_extract), size)]
    log.info(
        "discovered files",
        extra={"run_id": run_id, "files": len(manifest.files), "to_extract": len(to_extract),
               "batches": len(manifest.batches)},
    )
    return manifest


def manifest_path(settings: Settings, run_id: str) -> Path:
    return settings.run_dir(run_id) / "manifest.json"


def write_manifest(settings: Settings, manifest: Manifest) -> Path:
    """Atomic write: a manifest that exists is complete."""
    path = manifest_path(settings, manifest.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_manifest(settings: Settings, run_id: str) -> Manifest:
    return Manifest.from_json(manifest_path(settings, run_id).read_text(encoding="utf-8"))
