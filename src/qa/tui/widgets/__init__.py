"""The chat's widgets, one a module; the Rich text they show is built in ``text``."""
