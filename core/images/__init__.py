"""The image pipeline: validate → normalise → per-platform variants → content-addressed store.

Plain Python and Pillow; never imports Qt. The GUI calls these from a worker thread. Import the modules themselves
(core.images.store, .batch, ...): the package imports nothing, so its light parts (the photo notes) load without
Pillow and NumPy.
"""
