"""The image pipeline: validate → normalise → per-platform variants → content-addressed store.

Plain Python and Pillow; never imports Qt. The GUI calls these from a worker thread.
"""

from core.images.batch import CancelToken, FileResult, ProgressCallback, make_variants
from core.images.errors import ImageRejected, PresetsInvalid, UnknownPreset
from core.images.output import Variant
from core.images.presets import Focal, Preset, load_presets, resolve
from core.images.store import ImageStore, StoredImage
from core.images.validate import PictureInfo, check_picture

__all__ = [
    "CancelToken",
    "FileResult",
    "Focal",
    "ImageRejected",
    "ImageStore",
    "PictureInfo",
    "Preset",
    "PresetsInvalid",
    "ProgressCallback",
    "StoredImage",
    "UnknownPreset",
    "Variant",
    "check_picture",
    "load_presets",
    "make_variants",
    "resolve",
]
