"""ONEX service provider interface."""
