"""Archives at scale: ``python -m service.batch`` analyses JSONL, CSV or Parquet files of
articles on local processes or a Dask cluster, resumably; ``python -m service.report`` compares
outlets and months from its tables. Nothing here imports the web app."""
