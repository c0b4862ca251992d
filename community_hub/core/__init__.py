"""Site-wide pages: health check, help now, language choice."""
