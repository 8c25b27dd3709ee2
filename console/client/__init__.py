"""Typed client of the LakeSail platform API: one module per API area, one function per operation."""
