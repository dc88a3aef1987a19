"""Excel templates of a new study, and ``innolab init``.

:func:`init_study` creates a study folder: ``data/`` with one Excel template
per table (a header row in the study's language, an example row, drop-down
lists for the allowed values, and a second sheet that explains every column
from the data dictionary), a commented ``data/sources.yaml`` and a parameter
file ``params.yaml`` that validates as soon as the templates are filled.

The header labels, descriptions and drop-down values come from the message
catalog (``l10n/messages/data.yaml``); the loader recognises all of them, so a
filled template loads without configuration. A template whose only row is the
example is left out of the study (and reported); an example row left among real
rows is a problem.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from innolab_analysis.data.tables import TABLES, ColumnSpec
from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.options import Language

__all__ = ["EXAMPLES", "TEMPLATE_COLUMNS", "example_row_positions", "init_study", "write_template"]

TEMPLATE_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(
        c.name
        for c in spec.columns
        if c.required or c.name in ("abbreviation", "established_on", "gender", "age", "education")
    )
    for name, spec in TABLES.items()
}
"""The columns of each template: the required ones and the common optional ones. Other columns
of the data model (u10–u14 of the 2004 standard, weight, age_band) may be added by their name."""

EXAMPLES: dict[str, dict[str, str]] = {
    "agencies": {
        "agency_id": "DISDUKCAPIL",
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "abbreviation": "Disdukcapil",
        "kind": "dinas",
        "city": "Kota Contoh",
        "cluster": "administrasi kependudukan",
        "established_on": "",
    },
    "innovations": {
        "innovation_id": "INOV-001",
        "agency_id": "DISDUKCAPIL",
        "title": "Layanan Adminduk Keliling",
        "origin": "original",
        "form": "pelayanan_publik",
        "digital": "false",
        "iid_stage": "penerapan",
        "labinov_stage": "",
        "proposed_on": "2019-01-15",
        "trial_on": "2019-03-01",
        "launched_on": "2019-07-01",
        "discontinued_on": "",
        "beneficiaries_direct": "1200",
        "beneficiaries_indirect": "",
    },
    "skm_responses": {
        "respondent_id": "R-0001",
        "agency_id": "DISDUKCAPIL",
        "service": "KTP-el",
        "survey_date": "2024-03-01",
        **{f"u{i}": str(v) for i, v in enumerate([3, 3, 4, 4, 3, 3, 4, 3, 3], start=1)},
        "gender": "P",
        "age": "34",
        "education": "SMA",
    },
    "service_indicators": {
        "agency_id": "DISDUKCAPIL",
        "period": "2024-01-01",
        "indicator": "processing_days",
        "value": "3.5",
        "unit": "days",
    },
    "readiness": {
        "agency_id": "DISDUKCAPIL",
        "assessed_on": "2024-02-01",
        "dimension": "leadership_commitment",
        "indicator": "",
        "score": "3",
    },
    "regions": {
        "region_code": "3576",
        "region_name": "Kota Mojokerto",
        "kind": "kota",
        "year": "2024",
        "pdrb_adhb": "8750.5",
        "pdrb_adhk": "6120.25",
        "population": "135000",
        "ipm": "",
        "ipm_method": "",
        "distance_km": "",
        "travel_time_min": "",
    },
    "pdrb_sectors": {
        "region_code": "3576",
        "year": "2024",
        "sector": "G",
        "pdrb_adhb": "2000.5",
        "pdrb_adhk": "1500.25",
    },
    "innovation_budgets": {"innovation_id": "INO-001", "year": "2024", "budget_rp": "150000000"},
}
"""The example row of each template, as the canonical text of each column."""


def _same(value: object, example: str) -> bool:
    from innolab_analysis.data._validate import FALSE_WORDS, TRUE_WORDS
    from innolab_analysis.data.aliases import value_key

    if value is None or (isinstance(value, float) and value != value):
        return example == ""
    if example in ("true", "false") and isinstance(value, str):
        words = TRUE_WORDS if example == "true" else FALSE_WORDS
        return value_key(value) in {*words, example}
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        value = pd.Timestamp(value).strftime("%Y-%m-%d")
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    return value_key(value) == value_key(example)


def example_row_positions(table: str, columns: Mapping[str, pd.Series]) -> list[int] | None:
    """Positions of rows that are still the template's example row (None when there are none).

    Only the identifier and two more columns need to match, so a template whose
    example was edited is not mistaken for it.
    """
    example = EXAMPLES.get(table)
    if example is None:
        return None
    keys = [c for c in example if c in columns and example[c]]
    if len(keys) < 3:
        return None
    n = len(next(iter(columns.values())))
    found = [
        i for i in range(min(n, 3)) if all(_same(columns[c].iloc[i], example[c]) for c in keys)
    ]
    return found or None


# ----------------------------------------------------------------------------- writing
def _tr(key: str, language: Language, **values) -> str:
    from innolab_analysis.l10n import tr

    return str(tr(f"data.{key}", language, markdown=False, **values))


def _choices(table: str, spec: ColumnSpec, language: Language) -> list[str] | None:
    if spec.dtype == "bool":
        return [_tr("template.yes", language), _tr("template.no", language)]
    if spec.dtype != "category":
        return None
    from innolab_analysis.l10n import catalog

    out = []
    for code in spec.allowed or ():
        entry = catalog().get(f"data.value.{table}.{spec.name}.{code}")
        out.append(entry[language] if entry else code)
    return out


def _example_cell(table: str, spec: ColumnSpec, text: str, language: Language):
    if text == "":
        return None
    if spec.dtype == "date":
        return _dt.datetime.fromisoformat(text)
    if spec.dtype == "int":
        return int(text)
    if spec.dtype == "float":
        return float(text)
    if spec.dtype == "bool":
        return _tr("template.yes" if text == "true" else "template.no", language)
    if spec.dtype == "category":
        choices = _choices(table, spec, language)
        return choices[list(spec.allowed).index(text)]
    return text


def _allowed_words(table: str, spec: ColumnSpec, language: Language) -> str:
    choices = _choices(table, spec, language)
    if choices:
        return ", ".join(choices)
    if spec.min is not None and spec.max is not None:
        return f"{spec.min:g}–{spec.max:g}"
    if spec.min is not None:
        return f"≥ {spec.min:g}"
    return ""


def write_template(table: str, path: str | Path, language: Language = "id") -> Path:
    """Write the Excel template of one table.

    The first sheet (named after the table in ``language``) holds the header
    row and an example row, with drop-down lists for the allowed values; the
    second explains every column from the data dictionary.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> path = write_template("agencies", pathlib.Path(tempfile.mkdtemp()) / "agencies.xlsx")
    >>> book = openpyxl.load_workbook(path)
    >>> book.sheetnames, [c.value for c in book["Unit"][1]][:3]
    (['Unit', 'Keterangan'], ['Kode Unit', 'Nama Unit', 'Singkatan'])
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from innolab_analysis.l10n import catalog

    path = Path(path)
    spec = TABLES[table]
    cols = [spec.column(c) for c in TEMPLATE_COLUMNS[table]]
    cat = catalog()
    sheet_name = cat[f"data.table.{table}"][language]
    explain_name = _tr("template.sheet_columns", language)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet_name
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=cat[f"data.column.{table}.{c.name}"][language])
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[get_column_letter(j)].width = max(14, len(str(cell.value)) + 4)
        value = _example_cell(table, c, EXAMPLES[table].get(c.name, ""), language)
        ex = ws.cell(row=2, column=j, value=value)
        ex.font = Font(italic=True, color="808080")
        if c.dtype == "date":
            ex.number_format = "yyyy-mm-dd"
        letter = get_column_letter(j)
        choices = _choices(table, c, language)
        if choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=c.nullable,
                showErrorMessage=True,
                errorTitle=cat[f"data.column.{table}.{c.name}"][language],
                error=_allowed_words(table, c, language),
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5000")
        elif c.name.startswith("u") and c.dtype == "int":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1="1",
                formula2="4",
                allow_blank=True,
                showErrorMessage=True,
                error="1–4",
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5000")
        elif c.dtype == "date":
            for r in range(3, 501):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
    ws.cell(row=2, column=1).comment = Comment(_tr("template.example_note", language), "innolab")
    ws.freeze_panes = "A2"

    info = book.create_sheet(explain_name)
    info.cell(
        row=1,
        column=1,
        value=_tr(
            "template.intro",
            language,
            what=_tr(f"template.row_{table}", language),
            sheet=explain_name,
        ),
    ).font = bold
    info.cell(row=2, column=1, value=_tr("template.private_note", language))
    heads = ["label", "name", "type", "required", "blank", "allowed", "unit", "private", "help"]
    for j, h in enumerate(heads, start=1):
        cell = info.cell(row=4, column=j, value=_tr(f"template.head_{h}", language))
        cell.font, cell.fill = bold, fill
    yes, no = _tr("template.yes", language), _tr("template.no", language)
    for i, c in enumerate(cols, start=5):
        values = [
            cat[f"data.column.{table}.{c.name}"][language],
            c.name,
            _tr(f"template.type_{c.dtype}", language),
            yes if c.required and not c.nullable else no,
            yes if c.nullable else no,
            _allowed_words(table, c, language),
            c.unit,
            yes if c.private else no,
            cat[f"data.help.{table}.{c.name}"][language],
        ]
        for j, v in enumerate(values, start=1):
            info.cell(row=i, column=j, value=v).alignment = Alignment(
                wrap_text=j == 9, vertical="top"
            )
    for j, width in enumerate([26, 22, 22, 10, 12, 40, 12, 12, 80], start=1):
        info.column_dimensions[get_column_letter(j)].width = width
    book.save(path)
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "study"


def _comment(text: str, width: int = 96) -> list[str]:
    import textwrap

    return ["# " + line for line in textwrap.wrap(text, width)]


def _sources_yaml(city: str | None, language: Language) -> str:
    lines = _comment(_tr("template.sources_head", language)) + [""]
    lines += _comment(_tr("template.sources_city", language))
    lines.append(f'city: "{city}"' if city else '# city: "Kota …"')
    lines += ["", *_comment(_tr("template.sources_examples", language))]
    lines += [
        "# skm_responses:",
        '#   - file: "Survei Kepuasan Masyarakat (Jawaban).xlsx"',
        '#     columns: {"Nama Layanan": service}',
        '#   - file: "eskm/*.csv"',
        "#   - sql:",
        '#       url: "postgresql+psycopg://analis@server/eskm"',
        "#       password_env: ESKM_PASSWORD",
        "#       table: jawaban",
        "# agencies:",
        '#   file: "Daftar OPD.xlsx"',
        "# innovations:",
        '#   file: "Rekap Inovasi Daerah.xlsx"',
        "#   derive: {origin: {value: original}, proposed_on: {from: trial_on}}",
        "",
    ]
    return "\n".join(lines)


def _params_yaml(study: str, city: str | None, language: Language, file: str) -> str:
    year = _dt.date.today().year
    title = _tr("template.params_title", language, city=city or study)
    lines = _comment(_tr("template.params_head", language, study=study, file=file)) + [
        f"study: {study}",
        f'title: "{title}"',
        f"language: {language}",
        "data_dir: data",
        *_comment(_tr("template.params_years", language)),
        f"start_year: {year - 4}",
        f"end_year: {year}",
        "notebooks:",
        '  service_quality: {standard: "2017", frequency: year}',
        "  innovation_portfolio: {}",
        "  innovation_impact: {outcome: ikm, frequency: year}",
        "  comparative_synthesis: {}",
        *["  " + line for line in _comment(_tr("template.params_spillover", language))],
        '  # city_spillover: {satellite: "<code>", core: "<code>", event: "YYYY-MM-DD"}',
        "",
    ]
    return "\n".join(lines)


def init_study(
    folder: str | Path, *, city: str | None = None, language: Language = "id"
) -> list[Path]:
    """Create a new study folder: Excel templates, ``sources.yaml`` and ``params.yaml``.

    Parameters
    ----------
    folder : str or Path
        The new study's folder (created; existing files are never overwritten).
    city : str, optional
        The kabupaten/kota (``Kota Batu``): the agencies' city and the reports' title.
    language : {"id", "en"}
        Language of the templates' headers, of their explanations and of the reports.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    DataValidationError
        When a file to be written already exists (nothing is written then).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "kota_batu"
    >>> [p.relative_to(root).as_posix() for p in init_study(root, city="Kota Batu")][:3]
    ['params.yaml', 'data/sources.yaml', 'data/agencies.xlsx']
    """
    from innolab_analysis.errors import check_option
    from innolab_analysis.options import Language as _Language

    check_option("language", language, _Language)
    root = Path(folder)
    data = root / "data"
    targets = [root / "params.yaml", data / "sources.yaml", *(data / f"{t}.xlsx" for t in TABLES)]
    existing = [p for p in targets if p.exists()]
    if existing:
        raise DataValidationError(
            [
                Problem(
                    f"{p} already exists; innolab init never overwrites files: choose a new "
                    "folder or remove it",
                    file=str(p),
                )
                for p in existing
            ]
        )
    data.mkdir(parents=True, exist_ok=True)
    study = _slug(root.resolve().name)
    targets[0].write_text(_params_yaml(study, city, language, targets[0].name), encoding="utf-8")
    targets[1].write_text(_sources_yaml(city, language), encoding="utf-8")
    for table, path in zip(TABLES, targets[2:]):
        write_template(table, path, language)
    return targets
