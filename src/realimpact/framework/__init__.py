"""The report's knowledge as structured, validated, extendable data."""
