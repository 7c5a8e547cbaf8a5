"""Export jobs: formats, states and progress arithmetic."""

from __future__ import annotations

from enum import Enum


class ExportFormat(str, Enum):
    XLSX = "XLSX"
    CSV = "CSV"
    PDF = "PDF"


class ExportStatus(str, Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
}
# A PDF of 50,000 rows helps nobody; spreadsheets are the format for bulk.
MAX_PDF_ROWS = 5_000


def progress_percent(done: int, total: int) -> int:
    """0–100; an empty export is complete."""
    if total <= 0:
        return 100
    return min(100, done * 100 // total)
