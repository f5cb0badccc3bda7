"""What readers see, in words: Spanish tables, charts, narrative, the executive summary, and the words of
monitoring, changes and the strategic framework (their figures come from pom_lib.compute)."""
