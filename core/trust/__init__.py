"""Earning the seller's trust: backups and integrity, crash reports, export, deletion and purging, the audit log."""
