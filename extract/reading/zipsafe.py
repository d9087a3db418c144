"""Safety checks for Office Open XML packages, run BEFORE python-docx / calamine open them.

A zip bomb is refused from the central directory alone (entry count, declared sizes,
compression ratio); Python's zipfile never inflates past an entry's declared size, so the
declared sizes bound what a later reader can allocate. Each XML part's prolog is then fed
to defusedxml's parser, which refuses entity declarations and external references; we stop
at the root element, so the check costs almost nothing.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .errors import ReadError
from .model import MB, ReadLimits

_PROLOG_CHUNK = 64 * 1024
_PROLOG_MAX = 1 * MB


class _RootReached(Exception):
    pass


class _StopAtRoot:
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:  # pragma: no cover - never reached
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def open_zip(data: bytes, limits: ReadLimits, name: str, what: str) -> zipfile.ZipFile:
    """Open the package after checking it is not a zip bomb and not encrypted."""
    label = name or f"the {what} file"
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise ReadError("corrupt_zip", f"{label}: the {what} package is damaged ({e}); download it again") from None
    if len(infos) > limits.max_zip_entries:
        raise ReadError(
            "zip_bomb",
            f"{label} has {len(infos):,} archive entries (limit {limits.max_zip_entries:,}); "
            "a real report has a few dozen: refusing it",
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.max_uncompressed:
        raise ReadError(
            "zip_bomb",
            f"{label} would unpack to {total:,} bytes (limit {limits.max_uncompressed:,}); "
            "refusing it (raise ReadLimits.max_uncompressed if it is genuine)",
        )
    if total > MB and total > limits.max_ratio * max(packed, 1):
        raise ReadError(
            "zip_bomb",
            f"{label} is compressed {total / max(packed, 1):.0f}:1 (limit {limits.max_ratio:.0f}:1): "
            "looks like a zip bomb; refusing it",
        )
    for i in infos:
        if i.file_size > MB and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise ReadError(
                "zip_bomb",
                f"{label}: entry {i.filename} is compressed {i.file_size / max(i.compress_size, 1):.0f}:1 "
                f"(limit {limits.max_ratio:.0f}:1): looks like a zip bomb; refusing it",
            )
        if i.flag_bits & 0x1:
            raise ReadError("encrypted_office", f"{label} is password-protected; save an unprotected copy")
    return zf


def check_xml_parts(zf: zipfile.ZipFile, name: str, what: str) -> None:
    """Refuse XML parts that declare entities (billion laughs) or reference external ones."""
    label = name or f"the {what} file"
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with zf.open(info) as fh:
                _check_prolog(fh, info.filename)
        except ReadError as e:
            raise ReadError(e.code, f"{label}: {e.message}") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
            raise ReadError("corrupt_zip", f"{label}: part {info.filename} is damaged ({e})") from None


def _check_prolog(fh: io.BufferedIOBase, part: str) -> None:
    chunks: list[bytes] = []
    read = 0
    while read < _PROLOG_MAX:
        chunk = fh.read(_PROLOG_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        read += len(chunk)
        if _feed(b"".join(chunks), part):
            return


def _feed(prefix: bytes, part: str) -> bool:
    """True once the root element is reached (prolog clean); raise on a dangerous DTD."""
    for forbid_dtd in (False, True):
        parser = DefusedXMLParser(
            target=_StopAtRoot(), forbid_dtd=forbid_dtd, forbid_entities=True, forbid_external=True
        )
        try:
            parser.feed(prefix)
        except _RootReached:
            continue
        except EntitiesForbidden as e:
            raise ReadError(
                "xml_entity_expansion",
                f"XML part {part} declares entity {e.name!r} (entity-expansion attack); refusing the file",
            ) from None
        except ExternalReferenceForbidden:
            raise ReadError(
                "xml_external_entity",
                f"XML part {part} references an external entity; refusing the file",
            ) from None
        except DTDForbidden as e:
            code = "xml_external_entity" if (e.sysid or e.pubid) else "xml_entity_expansion"
            raise ReadError(
                code,
                f"XML part {part} carries a DOCTYPE, which Office never writes; refusing the file",
            ) from None
        except Exception:  # malformed XML: python-docx/calamine will report it properly
            return True
        return False  # prolog not finished in this prefix: read more
    return True
