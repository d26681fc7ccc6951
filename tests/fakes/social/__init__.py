"""Stand-ins for the social platforms (Meta Graph API, Pinterest API v5), an S3 bucket, and the real sync service."""
