"""zonke's runtime for Django on AWS Lambda (container image) and ECS.

- ``zonke_runtime.secrets``: Secrets Manager secrets as environment variables, loaded before
  Django is imported, and reloaded when the database refuses a rotated password.

Importing this package imports nothing else: boto3 is imported when a secret is first read.
"""

__version__ = "0.1.0"
