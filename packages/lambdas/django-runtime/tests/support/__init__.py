"""Helpers for the zonke_runtime tests."""
