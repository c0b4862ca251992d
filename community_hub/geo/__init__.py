"""Places and distances: geocoding a search, the spatial index, exact distances."""
