"""Data in and out: CSV, XLSX and JSON exports of what a list shows, and safe bulk imports."""
