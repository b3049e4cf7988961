"""Unit economics: retention (sBG), C2C products, B2B projects, API usage."""
