"""Figures and rows from a loaded plan, never prose: analysis, findings, projections, the strategic framework,
quality, reconciliation, execution, monitoring and the changes between editions."""
