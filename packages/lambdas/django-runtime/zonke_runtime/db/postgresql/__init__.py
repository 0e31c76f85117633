"""Django's PostgreSQL backend that survives a rotated password (``ENGINE:
"zonke_runtime.db.postgresql"``); the backend itself is in ``base``, where Django looks for it."""
