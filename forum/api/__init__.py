"""The versioned, read-only JSON API (/api/v1), also the basis of open-data exports."""
