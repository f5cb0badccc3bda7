"""Figures from a loaded plan: analysis, projections, the strategic framework, quality, execution."""
