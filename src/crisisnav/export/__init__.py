"""Exports of the dataset to other formats (HSDS 3.0, flat JSON/CSV)."""
