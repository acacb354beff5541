"""Data intake: the declared schema, reading loan files, coercing values, serving-time warnings, the time split.

Modules (import names from them; this ``__init__`` imports nothing, so ``modeling.data.schema`` stays as light
as serving needs and ``reading`` may use :mod:`modeling.synthetic`, which itself uses the schema)::

    columns         TARGET, DATE_COLUMN, POSITIVE_RISK_CLASS, LEAKAGE_COLUMNS, TEMPORAL_FEATURES, UNKNOWN_TREND
    schema          ColumnSpec, RAW_COLUMNS, COLUMNS_BY_NAME, FEATURE_COLUMNS, Problem, SchemaError,
                    CoercedFrame, specs_for, schema_document
    file_formats    bytes → raw text table: read_source, file_extension, read_csv_bytes, read_excel_bytes,
                    DataFileError (a problem with the file as a whole)
    coercion        raw values → schema dtypes, every problem collected: match_columns, coerce_frame, coerce_column
    reading         a whole loan file → LoadedTable: read_table, load_table, load_training_data
    dataset_file    where training finds Base_de_datos.xlsx without --data: find_dataset, choose_training_data
    input_warnings  soft per-record warnings at scoring time from a bundle's stored schema: input_warnings,
                    stored_specs, WARNING_CODES (hard errors come from ``coercion``)
    time_split      time_split (first 80 % / last 20 %), drop_implausible, implausible_mask, TimeSplit
"""

__all__ = ["coercion", "columns", "dataset_file", "file_formats", "input_warnings", "reading", "schema", "time_split"]
