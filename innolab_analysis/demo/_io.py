"""Deterministic writing of the demo tables (same input → same bytes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from innolab_analysis.data.tables import TABLES

_SKM_SCHEMA = pa.schema(
    [
        ("respondent_id", pa.string()),
        ("agency_id", pa.string()),
        ("service", pa.string()),
        ("survey_date", pa.date32()),
        *[(f"u{i}", pa.int8()) for i in range(1, 10)],
        ("weight", pa.float64()),
        ("gender", pa.string()),
        ("age", pa.int16()),
        ("education", pa.string()),
    ]
)


def _ordered(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns in the order of the data model (optional columns that are absent are skipped)."""
    cols = [c for c in TABLES[name].names if c in df.columns]
    extra = [c for c in df.columns if c not in cols]
    if extra:
        raise ValueError(f"demo table {name} has undeclared columns {extra}")
    return df[cols]


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    arrays = []
    for field in _SKM_SCHEMA:
        col = df[field.name]
        if field.name == "survey_date":
            arr = pc.cast(pa.array(col.to_numpy(dtype="datetime64[s]")), pa.date32())
        else:
            arr = pa.array(col, type=field.type, from_pandas=True)
        arrays.append(arr)
    table = pa.Table.from_arrays(arrays, schema=_SKM_SCHEMA)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        row_group_size=1 << 20,
        write_statistics=True,
        store_schema=False,
    )


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", date_format="%Y-%m-%d")


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> None:
    for name, df in tables.items():
        df = _ordered(name, df)
        if name == "skm_responses":
            write_parquet(df, out / f"{name}.parquet")
        else:
            write_csv(df, out / f"{name}.csv")
