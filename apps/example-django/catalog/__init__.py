"""The catalog: items for sale, in optional categories; a JSON API and server-rendered pages."""
