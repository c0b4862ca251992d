"""Areas: a region hierarchy (nation, county or area, town) derived from the listings' places."""
