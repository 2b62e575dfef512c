"""Agreements: the register of cooperation agreements and their parties."""
