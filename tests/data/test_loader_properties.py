"""Properties of the data loaders (hypothesis): whatever the files hold, a Study or a clear refusal.

A tiny valid study (``TINY_TABLES`` of ``tests/conftest.py``) is written into a temporary
folder, then hypothesis damages it: arbitrary bytes as one table file (CSV, a garbled .xlsx,
a garbled .parquet), hostile cells in random columns of the SKM responses, agencies and
innovations, the same content in other encodings and separators. Every load must end in one
of two ways:

* a :class:`~innolab_analysis.data.Study` whose typed columns hold only allowed values, or
* a :class:`~innolab_analysis.errors.DataValidationError` whose every problem names the file
  (and, for a cell, the column and rows that exist in the file, numbered as a spreadsheet
  numbers them), listing every bad column at once.

Never another exception type, never a traceback in the message. Raw files are never
modified (bytes and mtime), and loading twice gives equal frames, also after a file is
rewritten in place with other content.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from innolab_analysis.data import Study, load_study, read_table
from innolab_analysis.data.sources import ID_COLUMNS
from innolab_analysis.data.tables import TABLES
from innolab_analysis.errors import DataValidationError

EXAMPLES = int(os.environ.get("INNOLAB_HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""40 cases per property by default (``INNOLAB_HYPOTHESIS_EXAMPLES`` for a longer search)."""

FEW = settings(SETTINGS, max_examples=max(EXAMPLES // 2, 10))
"""For the slower properties (several loads per case); the memo property runs a quarter."""

STUDY_TABLES = ("agencies", "skm_responses", "innovations")
ELEMENTS = tuple(f"u{i}" for i in range(1, 10))


# ----------------------------------------------------------------------------- helpers
def _fresh_folder(root: Path, write_tiny_tables) -> Path:
    """A new folder holding the tiny valid study (a new name per example: no memo hit)."""
    folder = Path(os.path.join(root, f"s{next(_counter)}"))
    folder.mkdir()
    write_tiny_tables(folder, STUDY_TABLES)
    return folder


def _count():
    i = 0
    while True:
        i += 1
        yield i


_counter = _count()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _check_refusal(exc: DataValidationError, files: set[str]) -> None:
    """Every problem names one of ``files``; the message is ours, not a traceback."""
    assert exc.problems, "a DataValidationError without problems"
    text = str(exc)
    assert "Traceback" not in text, text
    for problem in exc.problems:
        assert problem.file in files, (problem.file, files, str(problem))
        assert problem.message.strip(), problem


def outcome(folder: Path, files: set[str]) -> Study | DataValidationError:
    """Load ``folder``; only a Study or a well-formed DataValidationError may come out."""
    before = _snapshot(folder)
    try:
        result: Study | DataValidationError = load_study(folder)
    except DataValidationError as exc:
        _check_refusal(exc, files)
        result = exc
    assert _snapshot(folder) == before, "load_study changed a raw file"
    return result


# ----------------------------------------------------------------------------- 1. bytes
_CSV_ALPHABET = st.sampled_from(
    list(b',;\t"\n\r 0123456789-.:aAzZ') + [0x00, 0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0xE9, 0x80, 0xC3]
)
csv_bytes = st.one_of(
    st.binary(max_size=400),
    st.lists(_CSV_ALPHABET, max_size=400).map(bytes),
    # the valid table with bytes spliced in (see below): the parser gets past the header
    st.tuples(st.integers(0, 200), st.binary(min_size=1, max_size=60)),
)


def _splice(data: bytes, at: int, junk: bytes) -> bytes:
    at = min(at, len(data))
    return data[:at] + junk + data[at:]


@SETTINGS
@given(table=st.sampled_from(STUDY_TABLES), data=csv_bytes)
@example(table="agencies", data=b"\xff\xfe\x00")  # a UTF-16 BOM then half a character
@example(table="agencies", data=b'agency_id,name\n"A,\n')  # an open quote
@example(table="skm_responses", data=b"\xef\xbb\xbf")  # only a BOM
def test_arbitrary_bytes_as_a_csv_table(tmp_path, write_tiny_tables, table, data):
    folder = _fresh_folder(tmp_path, write_tiny_tables)
    if isinstance(data, tuple):
        valid = (folder / f"{table}.csv").read_bytes()
        data = _splice(valid * 3, *data)
    (folder / f"{table}.csv").write_bytes(data)
    outcome(folder, {f"{name}.csv" for name in STUDY_TABLES})
    before = (folder / f"{table}.csv").read_bytes()
    try:
        read_table(folder / f"{table}.csv")
    except DataValidationError as exc:
        _check_refusal(exc, {f"{table}.csv"})
    assert (folder / f"{table}.csv").read_bytes() == before


@pytest.fixture(scope="module")
def valid_binary(tmp_path_factory, write_tiny_tables) -> dict[tuple[str, str], bytes]:
    """The tiny tables as .xlsx and .parquet files (from the CSV the fixture writes)."""
    folder = tmp_path_factory.mktemp("tiny")
    write_tiny_tables(folder, STUDY_TABLES)
    out = {}
    for table in STUDY_TABLES:
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        for fmt in ("xlsx", "parquet"):
            buf = io.BytesIO()
            if fmt == "xlsx":
                frame.to_excel(buf, index=False)
            else:
                frame.to_parquet(buf, index=False)
            out[(fmt, table)] = buf.getvalue()
    return out


def garble(draw, fmt: str, valid: dict) -> tuple[str, bytes]:
    """A valid workbook or Parquet file, truncated, overwritten in places or with bytes added."""
    table = draw(st.sampled_from(STUDY_TABLES))
    data = bytearray(valid[(fmt, table)])
    how = draw(st.sampled_from(["truncate", "flip", "splice", "member"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    elif how == "splice":
        data = bytearray(
            _splice(bytes(data), draw(st.integers(0, len(data))), draw(st.binary(max_size=40)))
        )
    elif fmt == "xlsx":  # a workbook whose parts are replaced: a ZIP that opens, XML that lies
        data = bytearray(_rezip(bytes(data), draw(st.binary(max_size=80)), draw(st.integers())))
    else:
        data = data[:4] + bytes(draw(st.binary(max_size=80))) + data[-8:]
    return table, bytes(data)


def _rezip(book: bytes, junk: bytes, pick: int) -> bytes:
    """The workbook with one of its parts replaced by ``junk`` (or truncated XML)."""
    src = zipfile.ZipFile(io.BytesIO(book))
    names = src.namelist()
    victim = names[pick % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in names:
            content = src.read(name)
            if name == victim:
                content = junk if pick % 2 else content[: len(content) // 2]
            dst.writestr(name, content)
    return out.getvalue()


@SETTINGS
@given(fmt=st.sampled_from(["xlsx", "parquet"]), draw=st.data())
def test_a_garbled_workbook_or_parquet_file(tmp_path, write_tiny_tables, valid_binary, fmt, draw):
    table, data = garble(draw.draw, fmt, valid_binary)
    folder = _fresh_folder(tmp_path, write_tiny_tables)
    (folder / f"{table}.csv").unlink()
    (folder / f"{table}.{fmt}").write_bytes(data)
    files = {f"{t}.csv" for t in STUDY_TABLES if t != table} | {f"{table}.{fmt}"}
    outcome(folder, files)


def test_the_untouched_binary_files_load(tmp_path, valid_binary):
    """The valid workbooks and Parquet files the garbling starts from do load (else the two
    properties above would only ever see refusals)."""
    for (fmt, table), data in valid_binary.items():
        path = tmp_path / f"{table}.{fmt}"
        path.write_bytes(data)
        frame = read_table(path)
        assert len(frame) == 1, (fmt, table)


# ----------------------------------------------------------------------------- 2. hostile cells
JUNK = [
    "<script>alert(1)</script>",
    '<img src="data:," onerror="document.title=\'X\'">',
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1:A9)",
    "[klik](javascript:alert(1))",
    "\u202eevil\u202c",
    "\u200fنام",
    "x" * 5000,
    "Dinas\x00Kependudukan",
    "a\x01b\x07c\x1bd",
    "{{7*7}}",
    "😀🇮🇩",
]
"""Cell texts that are no number, date, category, true/false or SKM answer."""

ODD = [
    "", " ", "NA", "null", "#N/A", "nan", "inf", "-inf", "1e308", "1e400", "-1",
    "0", "2", "4", "5", "2.0", "2,5", "1.234,5", "99999999999999999999", "-0", "3 ",
    "true", "FALSE", "ya", "Tidak", "43831", "43831.5", "2020-02-30", "2020-13-01",
    "0000-00-00", "1899-12-30", "31/12/2020", "12/31/2020", "2020-03-01 10:00:00",
    "2020-03-01T10:00:00+07:00", "17 Agustus 2020", "Agustus 2020", "1 Jan 10000",
    "dinas", "DINAS", "original", "adaptasi", "penerapan", "L",
]  # fmt: skip
"""Values that may or may not be allowed, depending on the column."""

_WRAP = st.sampled_from(["", " ", "\t", "\x00", "\u200f", "\u202e", "\ufeff", "\r", "\x0b"])
junk_text = st.builds(lambda a, v, b: a + v + b, _WRAP, st.sampled_from(JUNK), _WRAP)
cell_text = st.one_of(
    junk_text.map(lambda v: ("junk", v)),
    st.sampled_from(ODD).map(lambda v: ("odd", v)),
    st.text(max_size=12).map(lambda v: ("odd", v)),
)
"""(kind, text): ``junk`` is wrong in every typed column; ``odd`` may be right."""

cell_native = st.one_of(
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(
        min_value=__import__("datetime").datetime(1900, 1, 1),
        max_value=__import__("datetime").datetime(9999, 12, 31),
    ),
    st.dates(min_value=__import__("datetime").date(1900, 1, 1)),
).map(lambda v: ("odd", v))
"""Native workbook values: numbers, booleans, datetimes (Excel serials are numbers)."""


def _tiny_rows(folder: Path, n_rows: int) -> dict[str, tuple[list[str], list[list]]]:
    """The tiny tables as (header, rows of cells) with ``n_rows`` rows each (ids kept unique)."""
    out = {}
    for table in STUDY_TABLES:
        with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
            header, row = list(csv.reader(fh))
        rows = [list(row) for _ in range(n_rows)]
        at = header.index(ID_COLUMNS.get(table, "agency_id"))
        for i, cells in enumerate(rows[1:], start=1):
            cells[at] += str(i)
        out[table] = (header, rows)
    return out


@st.composite
def damages(draw, headers: dict[str, list[str]], n_rows: int, native: bool):
    """{(table, column): {row position: (kind, value)}} for one to four columns."""
    columns = draw(
        st.lists(
            st.sampled_from([(t, c) for t in STUDY_TABLES for c in headers[t]]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    values = st.one_of(cell_text, cell_native) if native else cell_text
    out = {}
    for key in columns:
        rows = draw(st.lists(st.integers(0, n_rows - 1), min_size=1, max_size=n_rows, unique=True))
        out[key] = {r: draw(values) for r in rows}
    return out


def _definitely_bad(table: str, column: str, kind: str, value) -> bool:
    """A cell the loader must refuse: junk in a typed column, a blank where one is not
    allowed, or an SKM answer that is not 1–4."""
    spec = TABLES[table].column(column)
    if kind == "junk":
        return spec.dtype != "string"
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text.lower() in {"", "na", "n/a", "null", "none", "#n/a", "nan"} and not spec.nullable:
        return True
    if text.lower() in {"", "na", "n/a", "null", "none", "#n/a", "nan"}:
        return False
    if table == "skm_responses" and column in ELEMENTS:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return True  # no SKM answer label is in ODD
        return number not in (1.0, 2.0, 3.0, 4.0)
    return False


def _write_table(path: Path, header: list[str], rows: list[list]) -> None:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(header)
    for row in rows:
        # a workbook cannot hold control characters: they never reach the loader from Excel
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    book.save(path)


def _allowed_values(study: Study) -> None:
    """Every typed column of an accepted study holds only what its spec allows."""
    for table in STUDY_TABLES:
        frame = study.table(table)
        for spec in TABLES[table].columns:
            if spec.name not in frame.columns:
                continue
            s = frame[spec.name]
            present = s.dropna()
            if not spec.nullable:
                assert len(present) == len(s), (table, spec.name, s.tolist())
            if spec.dtype == "category":
                assert set(present.astype(str)) <= set(spec.allowed), (table, spec.name)
            elif spec.dtype in ("int", "float"):
                assert pd.api.types.is_numeric_dtype(s.dtype), (table, spec.name, s.dtype)
                values = present.astype("float64").to_numpy()
                assert np.isfinite(values).all(), (table, spec.name, values)
                if spec.min is not None:
                    assert (values >= spec.min).all(), (table, spec.name, values)
                if spec.max is not None:
                    assert (values <= spec.max).all(), (table, spec.name, values)
                if spec.dtype == "int":
                    assert (values % 1 == 0).all(), (table, spec.name, values)
            elif spec.dtype == "date":
                assert pd.api.types.is_datetime64_dtype(s.dtype), (table, spec.name, s.dtype)
            elif spec.dtype == "bool":
                assert pd.api.types.is_bool_dtype(s.dtype), (table, spec.name, s.dtype)
            else:
                assert all(isinstance(v, str) and v.strip() for v in present), (table, spec.name)


def _hint_parses(message: str) -> None:
    """The sources.yaml lines a message offers parse as YAML (hostile values are quoted)."""
    marker = "write in sources.yaml: "
    if marker in message:
        lines = message.split(marker, 1)[1].split("}; ", 1)[0]
        lines += "}" if lines.count("{") > lines.count("}") else ""
        assert isinstance(yaml.safe_load(lines), dict), message


@FEW
@given(n_rows=st.integers(1, 4), fmt=st.sampled_from(["csv", "csv", "xlsx"]), draw=st.data())
def test_hostile_cells(tmp_path, write_tiny_tables, n_rows, fmt, draw):
    folder = _fresh_folder(tmp_path, write_tiny_tables)
    tables = _tiny_rows(folder, n_rows)
    damage = draw.draw(
        damages({t: h for t, (h, _) in tables.items()}, n_rows, native=fmt == "xlsx"),
        label="damage",
    )
    bad: dict[tuple[str, str], set[int]] = {}
    for (table, column), cells in damage.items():
        for row, (kind, value) in cells.items():
            header, rows = tables[table]
            rows[row][header.index(column)] = value
            if _definitely_bad(table, column, kind, value):
                bad.setdefault((table, column), set()).add(row + 2)  # header on row 1
    names = {}
    for table, (header, rows) in tables.items():
        (folder / f"{table}.csv").unlink()
        suffix = fmt if table in {t for t, _ in damage} else "csv"
        names[table] = f"{table}.{suffix}"
        _write_table(folder / names[table], header, rows)
    result = outcome(folder, set(names.values()))
    event(f"{fmt}: {type(result).__name__}")
    if isinstance(result, Study):
        assert not bad, f"accepted cells that are not allowed: {bad}"
        _allowed_values(result)
        return
    listed: dict[tuple[str, str], set[int]] = {}
    refused = set()
    for problem in result.problems:
        table = next(t for t, n in names.items() if n == problem.file)
        if problem.column is None and not problem.rows:
            # the whole file refused: only for what no export writes (a NUL byte in a CSV)
            assert "NUL" in problem.message and any(
                isinstance(v, str) and "\x00" in v
                for (t, _), cells in damage.items()
                if t == table
                for _, v in cells.values()
            ), str(problem)
            refused.add(table)
        if problem.column is not None:
            assert problem.column in TABLES[table].names, str(problem)
        assert set(problem.rows) <= set(range(2, n_rows + 2)), str(problem)
        listed.setdefault((table, problem.column), set()).update(problem.rows)
        _hint_parses(problem.message)
    for (table, column), rows in bad.items():
        if table in refused:
            continue
        assert (table, column) in listed, f"{names[table]} column {column!r} not listed:\n{result}"
        assert rows <= listed[(table, column)], f"rows {rows} of {column!r} not listed:\n{result}"


# ----------------------------------------------------------------------------- 3. encodings
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
_NAME = st.text(
    alphabet=st.sampled_from(list("abcXYZ éèñüÖ’“”-—,;.\"'")), min_size=1, max_size=12
).filter(lambda t: t.strip() and t.strip().lower() not in {"na", "nan", "null", "none", "n/a"})
"""Names in letters every one of the encodings holds (Windows-1252 included)."""


@st.composite
def survey(draw) -> list[list[str]]:
    """SKM rows (header first) with names, answers and weights with up to three decimals."""
    n = draw(st.integers(1, 5))
    header = [
        "respondent_id", "agency_id", "service", "survey_date", *ELEMENTS, "weight"
    ]  # fmt: skip
    rows = [header]
    for i in range(n):
        weight = draw(st.decimals(min_value=0, max_value=999, places=draw(st.integers(0, 3))))
        rows.append(
            [f"R{i}", "A", draw(_NAME), f"2020-03-{i + 1:02d}"]
            + [str(draw(st.integers(1, 4))) for _ in ELEMENTS]
            + [str(weight)]
        )
    return rows


def _csv_text(rows: list[list[str]], sep: str, decimal: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for i, row in enumerate(rows):
        writer.writerow(row if i == 0 or decimal == "." else row[:-1] + [row[-1].replace(".", ",")])
    return buf.getvalue()


@FEW
@given(
    rows=survey(),
    encoding=st.sampled_from(ENCODINGS),
    style=st.sampled_from([(",", "."), (";", ","), (";", "."), ("\t", ","), (",", ",")]),
)
def test_encodings_and_separators_give_the_same_frames(
    tmp_path, write_tiny_tables, rows, encoding, style
):
    sep, decimal = style
    plain = _fresh_folder(tmp_path, write_tiny_tables)
    (plain / "skm_responses.csv").write_text(_csv_text(rows, ",", "."), encoding="utf-8")
    expected = load_study(plain).skm_responses
    other = _fresh_folder(tmp_path, write_tiny_tables)
    (other / "skm_responses.csv").write_bytes(_csv_text(rows, sep, decimal).encode(encoding))
    result = outcome(other, {f"{t}.csv" for t in STUDY_TABLES})
    event(f"{encoding} {sep!r} {decimal!r}: {type(result).__name__}")
    if isinstance(result, Study):
        pd.testing.assert_frame_equal(result.skm_responses, expected)
        return
    # a refusal says why: the decimal style is ambiguous in this file (1,250 with ',' and
    # no other decimal), never a garbled reading
    assert all(p.file == "skm_responses.csv" for p in result.problems), str(result)
    assert all(p.column == "weight" and "ambiguous" in p.message for p in result.problems), str(
        result
    )


def test_the_usual_exports_load_the_same():
    """Windows-1252, UTF-8 with BOM, UTF-16 and ';' with decimal commas read as plain UTF-8."""
    rows = [
        ["respondent_id", "agency_id", "service", "survey_date", *ELEMENTS, "weight"],
        ["R1", "A", "Akta kelahiran é", "2020-03-01", *"123412341", "1.5"],
        ["R2", "A", "Kartu Keluarga ñ", "2020-03-02", *"432143214", "2.25"],
    ]
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="loader_props_"))
    frames = []
    for i, (encoding, sep, decimal) in enumerate(
        [("utf-8", ",", "."), ("cp1252", ";", ","), ("utf-8-sig", ",", "."), ("utf-16", "\t", ",")]
    ):
        folder = root / str(i)
        folder.mkdir()
        (folder / "agencies.csv").write_text(
            "agency_id,name,kind,city,cluster\nA,Dinas A,dinas,Kota Contoh,\n"
        )
        (folder / "skm_responses.csv").write_bytes(_csv_text(rows, sep, decimal).encode(encoding))
        frames.append(load_study(folder).skm_responses)
    assert frames[0]["weight"].tolist() == [1.5, 2.25]
    assert frames[0]["service"].tolist() == ["Akta kelahiran é", "Kartu Keluarga ñ"]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


# ----------------------------------------------------------------------------- 5. the memo
@settings(FEW, max_examples=max(EXAMPLES // 4, 5))
@given(first=survey(), second=survey(), same_stat=st.booleans())
def test_loading_twice_and_after_a_rewrite(tmp_path, write_tiny_tables, first, second, same_stat):
    folder = _fresh_folder(tmp_path, write_tiny_tables)
    path = folder / "skm_responses.csv"
    path.write_text(_csv_text(first, ",", "."), encoding="utf-8")
    one = outcome(folder, {f"{t}.csv" for t in STUDY_TABLES})
    two = outcome(folder, {f"{t}.csv" for t in STUDY_TABLES})
    assert type(one) is type(two)
    if isinstance(one, Study):
        for table in STUDY_TABLES:
            pd.testing.assert_frame_equal(one.table(table), two.table(table))
        one.skm_responses.loc[0, "service"] = "changed by a caller"  # never reaches the memo
        assert load_study(folder).skm_responses.loc[0, "service"] != "changed by a caller"
    # rewritten in place (same inode); with same_stat, same size and mtime as before
    stat = path.stat()
    text = _csv_text(second, ",", ".")
    if same_stat:
        text = text.ljust(stat.st_size)[: stat.st_size] if len(text) <= stat.st_size else text
    with path.open("r+", encoding="utf-8", newline="") as fh:
        fh.truncate(0)
        fh.write(text)
    if same_stat:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    reference_folder = _fresh_folder(tmp_path, write_tiny_tables)
    (reference_folder / "skm_responses.csv").write_text(text, encoding="utf-8")
    again = outcome(folder, {f"{t}.csv" for t in STUDY_TABLES})
    reference = outcome(reference_folder, {f"{t}.csv" for t in STUDY_TABLES})
    assert type(again) is type(reference), (again, reference)
    if isinstance(again, Study):
        pd.testing.assert_frame_equal(again.skm_responses, reference.skm_responses)


# ----------------------------------------------------------------------------- regressions
# what the properties above found, each as a plain example


def _refusal(path: Path) -> str:
    with pytest.raises(DataValidationError) as info:
        read_table(path)
    return str(info.value)


def test_a_utf16_file_cut_in_half_a_character(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_bytes("agency_id,name\nA,B\n".encode("utf-16")[:-1])
    assert _refusal(path) == (
        "1 problem(s) in agencies.csv (table 'agencies'):\n"
        "  - agencies.csv: the file starts with a UTF-16 byte-order mark but is not valid "
        "UTF-16 from byte 38 on (row 2: truncated data; a truncated or damaged export?); "
        "export the table again, preferably as 'CSV UTF-8'"
    )


def test_nul_bytes_in_a_text_file_are_named_with_their_rows(tmp_path, write_tiny_tables):
    write_tiny_tables(tmp_path, ["agencies"])
    path = tmp_path / "agencies.csv"
    path.write_bytes(path.read_bytes().replace(b"Dinas A", b"Dinas\x00A"))
    assert _refusal(path).endswith(
        "agencies.csv: the file is text but holds NUL bytes (character 0) on row(s) 2, which "
        "no spreadsheet export writes (a damaged file, or cells pasted from another program?); "
        "remove them (open the file in a text editor, or in a spreadsheet and save it again as "
        "'CSV UTF-8')"
    )


def test_a_quoted_cell_with_a_line_break_and_a_tab_keeps_the_separator(tmp_path):
    """The separator was sniffed line by line: a quoted cell holding '\\r' and a tab split
    the row and won the count for '\\t' ("new-line character seen in unquoted field")."""
    path = tmp_path / "agencies.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(
            [
                ["agency_id", "name", "kind", "city", "cluster"],
                ["A", "\tDinas\r A", "dinas", "Kota Contoh", "a\tb\rc"],
            ]
        )
    frame = read_table(path)
    assert frame["name"].tolist() == ["Dinas\r A"]  # stripped at its ends only
    assert frame["cluster"].tolist() == ["a\tb\rc"]


def test_the_sources_yaml_hint_quotes_hostile_values(tmp_path, write_tiny_tables):
    write_tiny_tables(tmp_path, ["agencies"])
    path = tmp_path / "agencies.csv"
    path.write_text(path.read_text().replace(",dinas,", ',"=HYPERLINK(""x"")\x9a\\",'))
    text = _refusal(path)
    hint = 'agencies: {values: {kind: {"=HYPERLINK(\\"x\\")\\u009a\\\\": <canonical value>}}}'
    assert hint in text
    mapping = yaml.safe_load(hint)["agencies"]["values"]["kind"]
    assert list(mapping) == ['=HYPERLINK("x")\x9a\\']


def _book(tmp_path, write_tiny_tables) -> bytes:
    write_tiny_tables(tmp_path, ["agencies"])
    frame = pd.read_csv(tmp_path / "agencies.csv", dtype=str, keep_default_na=False)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def test_a_workbook_with_a_part_that_is_not_xml(tmp_path, write_tiny_tables):
    path = tmp_path / "agencies.xlsx"
    path.write_bytes(_rezip(_book(tmp_path, write_tiny_tables), b"<x", 1))  # docProps/app.xml
    assert _refusal(path).endswith(
        "agencies.xlsx: the .xlsx workbook is damaged and cannot be read (unclosed token: "
        "line 1, column 0); open it in Excel and save it again, or export the table as .csv"
    )


def test_a_workbook_whose_flags_say_encrypted(tmp_path, write_tiny_tables):
    data = bytearray(_book(tmp_path, write_tiny_tables))
    at = bytes(data).find(b"PK\x01\x02")
    while at >= 0:  # every part's central directory entry: the general purpose flag says
        data[at + 8] |= 1  # encrypted
        at = bytes(data).find(b"PK\x01\x02", at + 4)
    path = tmp_path / "agencies.xlsx"
    path.write_bytes(bytes(data))
    assert "the .xlsx workbook is damaged and cannot be read (File " in _refusal(path)


def test_a_parquet_file_with_text_that_is_not_utf8(tmp_path, write_tiny_tables):
    write_tiny_tables(tmp_path, ["agencies"])
    frame = pd.read_csv(tmp_path / "agencies.csv", dtype=str, keep_default_na=False)
    buf = io.BytesIO()
    frame.assign(name=["Dinas \u00e9"]).to_parquet(buf, index=False)
    data = buf.getvalue().replace("\u00e9".encode(), b"\xed\xa0")  # a broken character
    path = tmp_path / "agencies.parquet"
    path.write_bytes(data)
    text = _refusal(path)
    assert "agencies.parquet: the Parquet file is damaged and cannot be read (" in text
    assert "UTF8" in text or "UTF-8" in text or "utf8" in text.lower(), text


def test_a_file_rewritten_with_the_same_size_and_mtime_is_read_again(tmp_path, write_tiny_tables):
    write_tiny_tables(tmp_path, STUDY_TABLES)
    path = tmp_path / "skm_responses.csv"
    assert load_study(tmp_path).skm_responses["u1"].tolist() == [3]
    stat = path.stat()
    text = path.read_text().replace(",3,3,4,4,", ",1,3,4,4,", 1)
    with path.open("r+", encoding="utf-8") as fh:  # in place: the same inode
        fh.truncate(0)
        fh.write(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # cp -p, touch -r, a coarse clock
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert load_study(tmp_path).skm_responses["u1"].tolist() == [1]


def test_the_hint_for_a_very_long_value_is_yaml_too(tmp_path, write_tiny_tables):
    write_tiny_tables(tmp_path, ["agencies"])
    path = tmp_path / "agencies.csv"
    path.write_text(path.read_text().replace(",dinas,", "," + "x" * 5000 + ","))
    with pytest.raises(DataValidationError) as info:
        read_table(path)
    (problem,) = info.value.problems
    hint = problem.message.split("write in sources.yaml: ", 1)[1]
    assert hint.startswith('agencies: {values: {kind: {? "xxx')
    assert yaml.safe_load(hint) == {
        "agencies": {"values": {"kind": {"x" * 5000: "<canonical value>"}}}
    }
