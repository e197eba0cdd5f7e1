"""Business rules as plain functions, free of Flask request objects."""
