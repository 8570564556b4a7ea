"""Ground: the error hierarchy and the small leaves everything else stands on."""
