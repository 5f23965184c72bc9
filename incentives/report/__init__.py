"""Reports for people (terminal text) and for programs (JSON)."""
