"""Community resources (recovery cafés, housing, education, family support...), modelled on HSDS 3."""
