"""Bytes to text: detect the encoding (never assume it), strip BOMs, unify newlines, repair
mojibake."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

from storyline.errors import DecodeError
from storyline.settings import DEFAULT, Settings

__all__ = ["Decoded", "decode_bytes", "inflate", "normalise_text", "valid_unicode"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Sequences that only appear when UTF-8 was decoded as Latin-1/cp1252: checking for them first
# keeps ftfy (slow) off the clean majority of articles.
_MOJIBAKE = re.compile(
    "[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u017d\u017e\u0178\u02c6\u02dc]"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates: JSON can spell them ("\\ud800") and UTF-16 can hold them, but no UTF-8 store
# or output can, so they never get past ingest.
_SURROGATE = re.compile("[\ud800-\udfff]")
GZIP_MAGIC = b"\x1f\x8b"
# ftfy repairs about 200 kB a second: lines with mojibake longer than this in all are left as
# they are (noted), so that one article never costs more than a few seconds of repair.
_MAX_MOJIBAKE_CHARS = 500_000
# A file with a BOM whose decoding fails at more than this share of its characters is not that
# encoding at all (random bytes that happen to start with FF FE), rather than damaged text.
_MAX_DAMAGED_SHARE = 0.01
# Only well-formed sequences count: a cp1252 "é’" (E9 92) looks like a UTF-8 lead and
# continuation byte, and counting it would send legacy-encoded text down the UTF-8 path.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    notes: tuple[str, ...]
    warning: str | None = None
    """Set when the text was usable but damaged (invalid UTF-8 replaced): the build reports it."""


def decode_bytes(data: bytes, source: str, settings: Settings = DEFAULT) -> Decoded:
    """Decode one input's bytes; raise :class:`DecodeError` naming ``source`` when it is not
    text."""
    if not data or not data.strip():
        raise DecodeError(source, "empty file")
    notes: list[str] = []
    warning: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as exc:
                # A lone surrogate or a cut-off last character: the rest is good text.
                text = body.decode(encoding, errors="replace")
                bad = text.count("\ufffd") - body.decode(encoding, errors="ignore").count("\ufffd")
                if bad > _MAX_DAMAGED_SHARE * max(1, len(text)):
                    raise DecodeError(
                        source, f"starts with a {encoding} BOM but is not {encoding}: {exc.reason}"
                    ) from exc
                warning = (
                    f"invalid {encoding.upper()} (first bad byte at offset "
                    f"{exc.start + len(bom)}); {bad} character(s) replaced"
                )
                notes.append(f"{encoding}-replaced")
            notes.append(f"bom={encoding}")
            return _finish(text, encoding, notes, warning, source, settings)
    if b"\x00" in data[:65536]:
        wide = _utf16_without_bom(data)
        if wide is None:
            raise DecodeError(source, "binary file (contains NUL bytes), not text")
        text = data.decode(wide, errors="replace")
        notes.append(f"encoding={wide}")
        return _finish(text, wide, notes, None, source, settings)
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        replaced = data.decode("utf-8", errors="replace")
        bad = replaced.count("\ufffd")
        if len(_UTF8_SEQUENCE.findall(data)) > bad:
            # Mostly UTF-8 with damaged bytes: a legacy codec would garble the good part.
            text = replaced
            encoding = "utf-8"
            warning = (
                f"invalid UTF-8 (first bad byte at offset {exc.start}); {bad} character(s) replaced"
            )
            notes.append("utf-8-replaced")
        else:
            text, encoding = _detect(data, source)
            notes.append(f"encoding={encoding}")
    return _finish(text, encoding, notes, warning, source, settings)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM, told by its NUL bytes: mostly-ASCII text has one in every other
    byte, on the same side, and none on the other."""
    head = data[: min(len(data), 4096) // 2 * 2]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls.count(0) >= 0.9 * len(nuls) and other.count(0) == 0:
            return codec
    return None


def _detect(data: bytes, source: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError(source, "binary file or unknown text encoding")
    return str(best), str(best.encoding)


def _finish(
    text: str,
    encoding: str,
    notes: list[str],
    warning: str | None,
    source: str,
    settings: Settings,
) -> Decoded:
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > settings.binary_control_ratio * min(len(text), 65536):
        raise DecodeError(source, "binary file (too many control characters), not text")
    text, more = normalise_text(text)
    notes.extend(more)
    if not text.strip():
        raise DecodeError(source, "no text after decoding")
    return Decoded(text, encoding, tuple(notes), warning)


def valid_unicode(text: str) -> tuple[str, bool]:
    """``text`` with every lone surrogate replaced by U+FFFD, and whether there was one."""
    if text.isascii() or not _SURROGATE.search(text):
        return text, False
    return _SURROGATE.sub("\ufffd", text), True


def inflate(data: bytes, source: str, limit: int) -> bytes:
    """The bytes a gzip file (of one or more members) holds, refused with :class:`DecodeError`
    as soon as they pass ``limit``: a few kilobytes of gzip can inflate to gigabytes."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        buf = rest
        try:
            while buf and not d.eof:
                out += d.decompress(buf, limit + 1 - len(out))
                if len(out) > limit:
                    raise DecodeError(
                        source,
                        f"gzip-compressed file inflates beyond the {limit / (1 << 20):.1f} MiB "
                        f"limit; refused",
                    )
                buf = d.unconsumed_tail
        except zlib.error as exc:
            raise DecodeError(source, f"corrupt gzip data: {exc}") from exc
        if not d.eof:
            raise DecodeError(source, "truncated gzip: the file ends mid-stream")
        rest = d.unused_data
        if not rest.strip(b"\x00"):
            # Some writers pad a gzip file with NULs to a block size.
            break
    return bytes(out)


def normalise_text(text: str) -> tuple[str, list[str]]:
    """Unify newlines, drop control characters, replace lone surrogates and repair mojibake.
    Used on every text we take in, whatever its container."""
    text, replaced = valid_unicode(text)
    notes: list[str] = ["surrogates-replaced"] if replaced else []
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append("bom")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("crlf")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if _MOJIBAKE.search(text):
        text, note = _repair_mojibake(text)
        if note:
            notes.append(note)
    return text, notes


def _repair_mojibake(text: str) -> tuple[str, str | None]:
    """ftfy on the lines that show mojibake (ftfy works line by line anyway, at 3-6 s a
    megabyte, so clean lines are not worth its time); left as it is, with a note, when those
    lines are too long to repair in bounded time."""
    import ftfy

    lines = text.split("\n")
    bad = [i for i, line in enumerate(lines) if _MOJIBAKE.search(line)]
    if sum(len(lines[i]) for i in bad) > _MAX_MOJIBAKE_CHARS:
        return text, "mojibake-unrepaired"
    changed = False
    for i in bad:
        # Curly quotes carry meaning for quote attribution: ftfy must not straighten them.
        fixed = ftfy.fix_text(lines[i], uncurl_quotes=False, fix_character_width=False)
        if fixed != lines[i]:
            lines[i] = fixed
            changed = True
    return ("\n".join(lines), "mojibake") if changed else (text, None)
