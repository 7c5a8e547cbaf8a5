"""The school parent portal's tables (filled in by the school portal work)."""
