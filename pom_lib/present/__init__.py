"""What readers see: Spanish tables, charts, narrative, the executive summary, monitoring, changes."""
