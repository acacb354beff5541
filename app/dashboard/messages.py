"""Spanish text for every problem, warning and note the services report in English (the JSON API keeps English).

The dashboard translates at its edge: :func:`problem_text` for a problem dict (``field``, ``message``, ``row``,
``value``, ``expected``), :func:`warning_text` for a scoring warning (by its ``code``), :func:`note_text` for a
file note ("kept 1 extra column(s): …"), :func:`cell_text` for the ``field: message; …`` text of a results file
or log row. A message no rule knows becomes :data:`UNKNOWN` (logged once), never English on the page.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from app.dashboard.formatting import integer

UNKNOWN = "problema no reconocido (el detalle quedó en el log del servidor)"
logger = logging.getLogger(__name__)
_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _number(text: str) -> str:
    """``40,000`` / ``1.5e+06`` / ``2500.5`` → Spanish; anything else unchanged."""
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return integer(value)
    return f"{value:,.6g}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def _rules(pairs: list[tuple[str, str | Callable[[re.Match[str]], str]]]) -> list[_Rule]:
    def build(target: str | Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        return target if callable(target) else (lambda match: match.expand(target))
    return [(re.compile(f"^{pattern}$", re.DOTALL), build(target)) for pattern, target in pairs]


_MESSAGES = _rules([
    (r"missing value", "falta el valor"),
    (r"missing column", "falta la columna"),
    (r"missing field", "falta el campo"),
    (r"could not be parsed", "no se pudo interpretar"),
    (r"not a whole number", "no es un número entero"),
    (r"not a valid class", "no es una clase válida"),
    (r"not a text value", "no es un texto"),
    (r"text too long", "texto demasiado largo"),
    (r"outside the valid range", "fuera del rango válido"),
    (r"not a JSON object", "no es un objeto JSON"),
    (r"([\d,]+) more rows with the same problem \((.+)\)",
     lambda m: f"{_number(m[1])} filas más con el mismo problema ({message_text(m[2])})"),
    (r"malformed CSV.*?(?:line (\d+).*)?", lambda m: "CSV mal formado" + (f" (línea {m[1]})" if m[1] else "")),
    (r"unsupported file type (.+)", r"tipo de archivo no admitido: \1"),
    (r"the file is empty \(0 bytes\)", "el archivo está vacío (0 bytes)"),
    (r"the file is empty \(no header row\)", "el archivo está vacío (sin fila de encabezado)"),
    (r"the file is empty", "el archivo está vacío"),
    (r"the file has a header row but no data rows", "el archivo tiene encabezado pero ninguna fila de datos"),
    (r"looks like JSON, not a CSV table", "parece JSON, no una tabla CSV"),
    (r"not a loan table: no known column in the header \(found (.*)\)",
     r"no es una tabla de préstamos: ninguna columna conocida en el encabezado (encontradas: \1)"),
    (r"not an Excel workbook.*", "no es un libro de Excel (el contenido no es un archivo .xlsx)"),
    (r"could not be read as an Excel workbook.*", "no se pudo leer como libro de Excel"),
    (r"the Excel workbook is damaged.*", "el libro de Excel está dañado y no se pudo leer"),
    (r"a ZIP archive without an Excel workbook inside.*", "un ZIP sin libro de Excel dentro (¿un .zip renombrado?)"),
    (r"the workbook expands to ([\d,.]+) MiB", lambda m: f"el libro ocupa {_number(m[1])} MB descomprimido"),
    (r"binary content, not a text table \(UTF-16.*", "contenido binario, no una tabla de texto (guarde los archivos "
                                                    "UTF-16 como UTF-8)"),
    (r"binary content, not a text table", "contenido binario, no una tabla de texto"),
    (r"mixed text encodings: the file starts in (.+) but line ([\d,]+) is not",
     lambda m: f"codificaciones mezcladas: el archivo empieza en {m[1]} pero la línea {_number(m[2])} no"),
    (r"mixed text encodings: line (\d+) is UTF-8, line (\d+) is not",
     r"codificaciones mezcladas: la línea \1 está en UTF-8 y la línea \2 no"),
    (r"the header row has (\d+) columns", r"la fila de encabezado tiene \1 columnas"),
    (r"file not found", "archivo no encontrado"),
    (r"cannot be opened.*", "no se puede abrir"),
    (r"too many rows: ([\d,]+)", lambda m: f"demasiadas filas: {_number(m[1])}"),
    (r"the file has ([\d,]+) bytes", lambda m: f"el archivo tiene {_number(m[1])} bytes"),
    (r"the file is larger than ([\d,.]+) (bytes|MiB).*", lambda m: f"el archivo supera {_number(m[1])} "
                                                           f"{'bytes' if m[2] == 'bytes' else 'MB'}"),
    (r"not a file upload.*", "no es un archivo subido"),
    (r"not a model input: ignored", "no es una entrada del modelo: se ignora"),
    (r"fecha_prestamo missing: the scoring time was used as the loan date",
     "falta fecha_prestamo: se usó el momento de la puntuación como fecha del préstamo"),
    (r"(.+) is outside the (training|plausible) range \[(.+), (.+)\]",
     lambda m: f"{_number(m[1])} está fuera del rango {'de entrenamiento' if m[2] == 'training' else 'plausible'} "
               f"[{_bound(m[3])}; {_bound(m[4])}]"),
    (r"(.+) was never seen in training \(seen: (.*)\)", r"\1 no apareció en el entrenamiento (vistos: \2)"),
    (r"(.+) is not one of (.+): read as (.+)", r"\1 no es uno de \2: se lee como \3"),
    (r"expected an object with (.+)", r"se esperaba un objeto con los campos «\1»"),
    (r"expected the request id of a logged prediction \(text of 1 to (\d+) characters\)",
     r"se esperaba el request_id de una predicción registrada (texto de 1 a \1 caracteres)"),
    (r"expected the record's position in its request \(an integer from 0; leave it out for single-record "
     r"requests\)", "se esperaba la posición del registro en su solicitud (un entero desde 0; se omite en "
                     "solicitudes de un solo registro)"),
    (r"missing: expected 0 \(late\) or 1 \(on time\)", "falta: se espera 0 (pago tardío) o 1 (a tiempo)"),
    (r"expected 0 \(late\) or 1 \(on time\)", "se espera 0 (pago tardío) o 1 (a tiempo)"),
])
_EXPECTED = _rules([
    (r"an integer code", "un código entero"),
    (r"an integer", "un número entero"),
    (r"a number", "un número"),
    (r"a text value", "un texto"),
    (r"a date \(YYYY-MM-DD\[ HH:MM:SS\]\) between (\S+) and (\S+)", r"una fecha (AAAA-MM-DD[ HH:MM:SS]) entre \1 y \2"),
    (r"0 or 1", "0 o 1"),
    (r"at most (\d+) characters", r"como máximo \1 caracteres"),
    (r"a value in \[(.+), (.+)\]", lambda m: f"un valor en [{_bound(m[1])}; {_bound(m[2])}]"),
    (r"a column named (.+)", r"una columna llamada \1"),
    (r"at most ([\d,.]+) MiB.*", lambda m: f"como máximo {_number(m[1])} MB"),
    (r"at most ([\d,]+) rows per file \((\w+)\)", lambda m: f"como máximo {_number(m[1])} filas por archivo ({m[2]})"),
    (r"at most ([\d,]+) columns.*", lambda m: f"como máximo {_number(m[1])} columnas"),
    (r"at most ([\d,]+)", lambda m: f"como máximo {_number(m[1])} bytes"),
    (r"one encoding for the whole file.*", "una sola codificación para todo el archivo (guárdelo como UTF-8)"),
    (r"a table whose header row has the (\d+) loan columns (.*)",
     r"una tabla cuyo encabezado tenga las \1 columnas de préstamos \2"),
    (r"(\.\w+) or (\.\w+)", r"\1 o \2"),
    (r"an existing \.xlsx or \.csv file", "un archivo .xlsx o .csv existente"),
])
_NOTES = _rules([
    (r"(kept|ignored) 1 extra column\(s\): (.+)",
     lambda m: f"1 columna adicional {'conservada' if m[1] == 'kept' else 'ignorada'}: {m[2]}"),
    (r"(kept|ignored) (\d+) extra column\(s\): (.+)",
     lambda m: f"{m[2]} columnas adicionales {'conservadas' if m[1] == 'kept' else 'ignoradas'}: {m[3]}"),
    (r"dropped uploaded column\(s\) named like the results: (.+)",
     r"columnas del archivo descartadas por llamarse como las de resultados: \1"),
])


def _bound(text: str) -> str:
    return {"-inf": "-∞", "inf": "∞"}.get(text.strip(), _number(text.strip()))


@functools.lru_cache(maxsize=4096)
def _translate(text: str, table: str) -> str:
    rules = {"message": _MESSAGES, "expected": _EXPECTED, "note": _NOTES}[table]
    for pattern, build in rules:
        match = pattern.match(text.strip())
        if match:
            return build(match)
    logger.warning("no Spanish text for %s %r", table, text)
    return UNKNOWN


def message_text(message: str) -> str:
    """The Spanish text of one English service message."""
    return _translate(str(message), "message")


def expected_text(expected: str) -> str:
    """The Spanish text of a problem's ``expected`` description."""
    return _translate(str(expected), "expected")


def note_text(note: str) -> str:
    """The Spanish text of a file note (extra columns kept or ignored, columns dropped)."""
    return _translate(str(note), "note")


def warning_text(warning: Mapping[str, Any]) -> str:
    """``campo: mensaje`` for one scoring warning dict (``field``, ``code``, ``message``)."""
    return f"{warning.get('field', '?')}: {message_text(warning.get('message', ''))}"


def problem_text(problem: Mapping[str, Any]) -> str:
    """One line for a problem dict: ``fila 3 · edad_cliente: falta el valor (esperado: un número)``."""
    row = f"fila {integer(problem['row'])} · " if problem.get("row") is not None else ""
    field = problem.get("field", "?")
    details = []
    if problem.get("value") is not None:
        value = problem["value"]
        chars = re.fullmatch(r"(\d+) characters", value) if isinstance(value, str) else None
        details.append(f"encontrado: {chars[1]} caracteres" if chars else f"encontrado: {value!r}")
    if problem.get("expected"):
        details.append(f"esperado: {expected_text(problem['expected'])}")
    suffix = f" ({', '.join(details)})" if details else ""
    label = "archivo" if field == "file" else field
    return f"{row}{label + ': ' if label else ''}{message_text(problem.get('message', ''))}{suffix}"


_CELL_PART = re.compile(r"^([^:]+): (.*?)(?: \(found (.+?)(?:, expected (.+))?\)| \(expected (.+)\))?$", re.DOTALL)


def cell_text(text: str | None) -> str | None:
    """A results file's or log row's ``field: message (found …, expected …); …`` text, in Spanish."""
    if not text:
        return text
    parts = []
    for part in str(text).split("; "):
        match = _CELL_PART.match(part)
        if match is None:
            parts.append(message_text(part))
            continue
        field, message, found, expected = match[1], match[2], match[3], match[4] or match[5]
        details = ([f"encontrado: {found}"] if found else []) + ([f"esperado: {expected_text(expected)}"]
                                                               if expected else [])
        parts.append(f"{field}: {message_text(message)}" + (f" ({', '.join(details)})" if details else ""))
    return "; ".join(parts)


_PROMOTION = {
    "unknown_version": "no hay un modelo completo con esa versión en la carpeta de modelos",
    "version_conflict": "esa versión ya es el campeón (un retador tiene que ser otro modelo)",
    "bundle_not_loadable": "el modelo no se pudo cargar (archivos dañados o incompletos)",
    "not_writable": "no se puede escribir en la carpeta de modelos (¿permisos o disco lleno?)",
}


def promotion_text(code: str) -> str:
    """Why a promotion or challenger switch was refused (``PromotionError.code``), in Spanish."""
    return _PROMOTION.get(code, UNKNOWN)

