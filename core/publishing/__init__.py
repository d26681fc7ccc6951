"""Publishing: jobs and their state machine, the queue, the APScheduler schedule, time zones, retries, bulk actions.

The promise to the seller: what was scheduled goes out once, on time, or the seller is told exactly why not.
"""
