"""Readers of published statistical tables (KOSIS, ...): each returns a plain table."""
