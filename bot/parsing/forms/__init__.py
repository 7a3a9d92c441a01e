"""The grammar's part tables, one module per kind of time expression."""
