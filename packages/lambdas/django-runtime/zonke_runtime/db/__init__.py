"""Django database backends for zonke: ``zonke_runtime.db.postgresql``."""
