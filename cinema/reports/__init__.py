"""Reports: read journals (and later bundles), merge them, summarise."""
