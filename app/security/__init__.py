"""Roles, permissions, the row rule, login protection and the operation log."""
