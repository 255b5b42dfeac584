"""What the fake checks in uploaded bytes: that a PNG is a real PNG of a sensible size.

Slack itself stores any bytes under any name; these checks are the fake's own, stricter
rules, so that a test whose bot uploads a broken or absurd chart fails. A side between
`IMAGE_SIDE_MIN` and `IMAGE_SIDE_MAX` px is what a chart in a channel can be: smaller is
unreadable (and most likely an empty figure), larger is slow to load and Slack scales it
down anyway. Block Kit's `slack_file` shows only png, jpg, jpeg and gif files
(docs.slack.dev, "Slack file object"): `SLACK_FILE_FORMATS`, in Pillow's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_SIDE_MIN = 100
IMAGE_SIDE_MAX = 4000
SLACK_FILE_FORMATS = frozenset({"PNG", "JPEG", "GIF"})


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What Pillow read: its format name ("PNG", "JPEG", ...) and size in px."""

    format: str
    width: int
    height: int


def read_image(content: bytes) -> ImageInfo | None:
    """The image in `content`, fully decoded, or None when Pillow cannot read all of it."""
    try:
        with Image.open(BytesIO(content)) as image:
            image.verify()  # chunk checksums (PNG) and structure
        with Image.open(BytesIO(content)) as image:
            image.load()  # the pixel data itself, so a truncated stream fails here
            if image.format is None:
                return None
            return ImageInfo(image.format, image.width, image.height)
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError, ...)
        return None


def looks_like_png(filename: str, content: bytes) -> bool:
    """Whether the upload claims to be a PNG, by its name or by its first bytes."""
    return filename.lower().endswith(".png") or content.startswith(PNG_SIGNATURE)


def png_problems(filename: str, content: bytes, image: ImageInfo | None) -> list[str]:
    """What is wrong with an upload that claims to be a PNG (empty when it is a good one)."""
    if not looks_like_png(filename, content):
        return []
    if image is None or image.format != "PNG":
        found = "unreadable bytes" if image is None else f"a {image.format} image"
        return [f"{filename!r} claims to be a PNG but is {found}"]
    low, high = IMAGE_SIDE_MIN, IMAGE_SIDE_MAX
    if not (low <= image.width <= high and low <= image.height <= high):
        return [
            f"{filename!r} is {image.width}x{image.height} px; each side must be {low} to {high} px"
        ]
    return []
