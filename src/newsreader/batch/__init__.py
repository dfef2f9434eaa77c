"""Corpus-wide jobs over the library exported to Parquet (issue 15): related neighbours and
stories run by DuckDB out of core on one machine, or by Spark on a cluster, then loaded back.
duckdb, pyarrow and pyspark are imported inside the functions that need them."""
