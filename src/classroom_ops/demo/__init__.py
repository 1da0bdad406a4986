"""`classroom-ops demo`: a whole semester rehearsed on a local sandbox, with no GitHub account."""
