"""Community resources (recovery cafés, housing, education...), modelled on HSDS 3."""
