"""Assertive-linkage referrals: pseudonymous clients, consent per purpose, follow-up, audit."""
