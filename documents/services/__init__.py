"""Every change to cases, documents and versions goes through these functions."""
