"""The foundation: errors, fingerprints, Guatemalan number formats, Spanish wording, escaping."""
