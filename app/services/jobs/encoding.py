"""The text encoding of an uploaded CSV: chosen from the file's start, then held to for the whole file.

UTF-8 (with or without BOM) when the start decodes as UTF-8, else Windows-1252 (Latin-1) — the loader's rules. A
file in one encoding with lines in another is refused naming a line (decoding it all one way would turn the other
lines' accents into mojibake, or fail half-way through a job).
"""
from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from modeling.data.file_formats import check_single_encoding, file_error

SAMPLE_BYTES = 1 << 16
_COUNT_BLOCK = 1 << 24
_UTF8_BOM = b"\xef\xbb\xbf"


def sample_encoding(sample: bytes, name: str) -> tuple[str, str]:
    """The encoding the start of a CSV is in (UTF-8 with or without BOM, else cp1252) and that start decoded;
    binary content and mixed encodings within the start are refused."""
    if b"\x00" in sample:
        raise file_error(name, "binary content, not a text table (UTF-16 files must be saved as UTF-8)")
    if sample.startswith(_UTF8_BOM):
        return "utf-8-sig", sample[len(_UTF8_BOM):].decode("utf-8", errors="ignore")
    try:
        text = sample.decode("utf-8") if len(sample) < SAMPLE_BYTES else sample[:-4].decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        check_single_encoding(sample if len(sample) < SAMPLE_BYTES else sample.rsplit(b"\n", 1)[0], name)
        text, encoding = sample.decode("cp1252", errors="replace"), "cp1252"
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text)
    if controls > 0.01 * max(len(text), 1):
        raise file_error(name, "binary content, not a text table")
    return encoding, text


def count_lines(path: Path, encoding: str, name: str) -> int:
    """Newlines in the file (plus one for a last line without one): the CSV's rows, read in 16 MiB blocks —
    checking on the way that every line is in the ``encoding`` the file's start chose (a UTF-8 file with a
    Latin-1 line further down, or the reverse, would otherwise fail half-way through the job or read wrong)."""
    lines, last, tail = 0, b"\n", b""
    utf8 = codecs.getincrementaldecoder("utf-8")() if encoding.startswith("utf-8") else None
    with path.open("rb") as handle:
        while block := handle.read(_COUNT_BLOCK):
            if utf8 is not None:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError as error:
                    _mixed(name, lines + block.count(b"\n", 0, error.start) + 1, "UTF-8")
            else:
                data = tail + block
                cut = data.rfind(b"\n") + 1
                _refuse_utf8_lines(data[:cut], lines, name)
                tail = data[cut:]
            lines += block.count(b"\n")
            last = block[-1:]
    if utf8 is None and tail:
        _refuse_utf8_lines(tail, lines, name)
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            _mixed(name, lines + 1, "UTF-8")
    return lines + (last != b"\n")


def _refuse_utf8_lines(data: bytes, lines_before: int, name: str) -> None:
    """In a legacy-encoded (cp1252) file: refuse a line that is UTF-8 (its accents would read as mojibake)."""
    for number, line in enumerate(data.split(b"\n"), start=lines_before + 1):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            _mixed(name, number, "Latin-1 / Windows-1252")


def _mixed(name: str, line: int, start: str) -> None:
    raise file_error(name, f"mixed text encodings: the file starts in {start} but line {line:,} is not",
                     expected="one encoding for the whole file (save it as UTF-8)")
