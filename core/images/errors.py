"""Errors the image pipeline reports to a seller."""

from __future__ import annotations

from core.errors import SellerDeskError, ValidationError


class ImageRejected(SellerDeskError):
    """A file cannot be used as a product photo.

    The message names the file and the problem; the hint says what to do next. ``reason`` is a stable code
    for the GUI and the JSON output: ``missing``, ``unreadable``, ``empty``, ``unsupported``, ``damaged``,
    ``too_large`` or ``too_big_for_platform``.
    """

    def __init__(self, file_name: str, reason: str, problem: str, *, hint: str) -> None:
        super().__init__(f"{file_name} {problem}.", hint=hint)
        self.file_name = file_name
        self.reason = reason


class UnknownPreset(ValidationError):
    """The seller asked for a platform SellerDesk has no image preset for."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"There is no image preset for platform '{name}'.",
            field="platform",
            hint=f"Use one of: {', '.join(known)} (or 'all').",
        )
        self.name = name


class PresetsInvalid(SellerDeskError):
    """The preset file shipped in resources/ is missing or has a value the pipeline cannot use."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"The image presets file is not usable: {problem}.",
            hint="Undo the last edit to resources/images/presets.json or reinstall SellerDesk.",
        )
