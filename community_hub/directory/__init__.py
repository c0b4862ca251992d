"""The whole local recovery community near a place: meetings, peers, champions, resources."""
