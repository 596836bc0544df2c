"""Attachments: registration by sync mutation, resumable uploads (tus 1.0), checks, storage."""
