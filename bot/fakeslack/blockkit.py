"""Block Kit checks: pure functions that list what Slack would reject in blocks and views.

Limits are the ones of the table "Block Kit limits" in the shared `slack/FACTS.md`
(docs.slack.dev Block Kit reference and slack_sdk's model validators). An image takes
exactly one of `image_url` and `slack_file`, and a `slack_file` exactly one of `id` and
`url` (docs.slack.dev "Image block" and "Slack file object"); whether that file exists is
the fake's state, checked apart (`slack_files_in` lists them). Each problem names
the place with a JSON pointer, as Slack's own `[json-pointer:/blocks/0/text]` messages do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
VIEW_MAX_BYTES = 250_000
ID_MAX = 255
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
ACTIONS_ELEMENTS_MAX = 25
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTION_DESCRIPTION_MAX = 75
SELECT_OPTIONS_MAX = 100
SELECT_OPTION_GROUPS_MAX = 100
OVERFLOW_OPTIONS = (1, 5)
CHECKBOXES_OPTIONS_MAX = 10
PLACEHOLDER_MAX = 150
INPUT_LABEL_MAX = 2000
INPUT_HINT_MAX = 2000
IMAGE_ALT_TEXT_MAX = 2000
IMAGE_TITLE_MAX = 2000
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30
MODAL_TEXT_MAX = 24
PRIVATE_METADATA_MAX = 3000
TEXT_INPUT_MAX = 3000
MARKDOWN_BLOCK_MAX = 12_000

BLOCK_TYPES = frozenset(
    {
        "section",
        "header",
        "divider",
        "context",
        "actions",
        "input",
        "rich_text",
        "image",
        "markdown",
    }
)
SELECT_TYPES = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
# Elements that only live in an input block.
INPUT_ONLY_TYPES = frozenset(
    {
        "plain_text_input",
        "email_text_input",
        "number_input",
        "url_text_input",
        "file_input",
        "rich_text_input",
    }
)
INTERACTIVE_TYPES = frozenset(
    {
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "overflow",
        "radio_buttons",
        "timepicker",
        "workflow_button",
    }
)
ELEMENT_TYPES = SELECT_TYPES | INPUT_ONLY_TYPES | INTERACTIVE_TYPES | {"image"}
INPUT_BLOCK_ELEMENTS = (
    SELECT_TYPES
    | INPUT_ONLY_TYPES
    | {"checkboxes", "datepicker", "datetimepicker", "radio_buttons", "timepicker"}
)
ACTIONS_BLOCK_ELEMENTS = SELECT_TYPES | INTERACTIVE_TYPES
SECTION_ACCESSORIES = SELECT_TYPES | INTERACTIVE_TYPES | {"image"}
TEXT_TYPES = ("plain_text", "mrkdwn")


@dataclass(frozen=True, slots=True)
class BlockProblem:
    """One rule broken at one place (`pointer` is a JSON pointer into the argument)."""

    pointer: str
    rule: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.rule}"


def check_message_blocks(blocks: object, *, pointer: str = "/blocks") -> list[BlockProblem]:
    """Problems of a message's `blocks` (at most 50, unique block_ids, each block valid)."""
    checker = _Checker()
    checker.blocks(blocks, pointer, max_blocks=MESSAGE_MAX_BLOCKS, surface="message")
    return checker.problems


def check_view(view: object, *, pointer: str = "/view") -> list[BlockProblem]:
    """Problems of a modal or Home tab view (size is checked apart: `view_size`)."""
    checker = _Checker()
    checker.view(view, pointer)
    return checker.problems


@dataclass(frozen=True, slots=True)
class SlackFileRef:
    """A `slack_file` of an image block or element: which file (`id` or `url`) and where."""

    pointer: str
    id: str | None
    url: str | None


def slack_files_in(blocks: object, *, pointer: str = "/blocks") -> list[SlackFileRef]:
    """Every well-formed `slack_file` in `blocks` (image blocks, and image elements of
    sections and contexts), for the checks that need to know which files exist."""
    found: list[SlackFileRef] = []
    if not isinstance(blocks, list):
        return found
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        where = f"{pointer}/{index}"
        images: list[tuple[str, object]] = []
        if block.get("type") == "image":
            images.append((where, block))
        elif block.get("type") == "section":
            images.append((f"{where}/accessory", block.get("accessory")))
        elif block.get("type") == "context" and isinstance(block.get("elements"), list):
            images += [(f"{where}/elements/{n}", e) for n, e in enumerate(block["elements"])]
        for image_pointer, image in images:
            if not isinstance(image, dict) or image.get("type") != "image":
                continue
            slack_file = image.get("slack_file")
            if isinstance(slack_file, dict):
                file_id, url = slack_file.get("id"), slack_file.get("url")
                found.append(
                    SlackFileRef(
                        f"{image_pointer}/slack_file",
                        file_id if isinstance(file_id, str) else None,
                        url if isinstance(url, str) else None,
                    )
                )
    return found


def view_size(view: object) -> int:
    """Bytes of the view as compact JSON, the measure of Slack's 250 kB `view_too_large`."""
    return len(json.dumps(view, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return type(value).__name__


class _Checker:
    """Walks blocks and views, collecting problems; one instance per message or view."""

    def __init__(self) -> None:
        self.problems: list[BlockProblem] = []
        self._block_ids: set[str] = set()

    def fail(self, pointer: str, rule: str) -> None:
        self.problems.append(BlockProblem(pointer, rule))

    # -- scalars -------------------------------------------------------------------------

    def string(
        self, value: object, pointer: str, what: str, max_len: int, *, required: bool = False
    ) -> None:
        if value is None:
            if required:
                self.fail(pointer, f"{what} is required")
            return
        if not isinstance(value, str):
            self.fail(pointer, f"{what} must be a string, not {_kind(value)}")
        elif required and not value:
            self.fail(pointer, f"{what} must not be empty")
        elif len(value) > max_len:
            self.fail(pointer, f"{what} must be at most {max_len} characters (got {len(value)})")

    def identifier(self, value: object, pointer: str, what: str) -> None:
        self.string(value, pointer, what, ID_MAX)

    def text(
        self,
        value: object,
        pointer: str,
        what: str,
        max_len: int | None,
        *,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if value is None:
            if required:
                self.fail(pointer, f"{what} is required")
            return
        if not isinstance(value, dict):
            self.fail(pointer, f"{what} must be a text object, not {_kind(value)}")
            return
        text_type = value.get("type")
        if text_type not in TEXT_TYPES:
            self.fail(f"{pointer}/type", f"{what} type must be plain_text or mrkdwn")
        elif plain_only and text_type != "plain_text":
            self.fail(f"{pointer}/type", f"{what} must be plain_text, not {text_type}")
        text = value.get("text")
        if not isinstance(text, str):
            self.fail(f"{pointer}/text", f"{what} needs a string `text`, not {_kind(text)}")
        elif not text:
            self.fail(f"{pointer}/text", f"{what} must not be empty (empty text object)")
        elif max_len is not None and len(text) > max_len:
            self.fail(
                f"{pointer}/text", f"{what} must be at most {max_len} characters (got {len(text)})"
            )

    def array(
        self, value: object, pointer: str, what: str, low: int, high: int
    ) -> list[Any] | None:
        if not isinstance(value, list):
            self.fail(pointer, f"{what} must be an array, not {_kind(value)}")
            return None
        if len(value) < low:
            self.fail(pointer, f"{what} needs at least {low} item(s) (got {len(value)})")
        elif len(value) > high:
            self.fail(pointer, f"{what} must have at most {high} items (got {len(value)})")
        return value

    # -- surfaces ------------------------------------------------------------------------

    def blocks(self, value: object, pointer: str, *, max_blocks: int, surface: str) -> None:
        items = self.array(value, pointer, f"blocks of a {surface}", 0, max_blocks)
        for index, block in enumerate(items or ()):
            self.block(block, f"{pointer}/{index}")

    def view(self, view: object, pointer: str) -> None:
        if not isinstance(view, dict):
            self.fail(pointer, f"view must be an object, not {_kind(view)}")
            return
        view_type = view.get("type")
        if view_type not in ("modal", "home"):
            self.fail(f"{pointer}/type", f"view type must be modal or home, not {view_type!r}")
            return
        surface = "modal" if view_type == "modal" else "Home tab"
        self.blocks(
            view.get("blocks"), f"{pointer}/blocks", max_blocks=VIEW_MAX_BLOCKS, surface=surface
        )
        if view_type == "modal":
            self.text(
                view.get("title"),
                f"{pointer}/title",
                "modal title",
                MODAL_TEXT_MAX,
                plain_only=True,
            )
            for key in ("submit", "close"):
                self.text(
                    view.get(key),
                    f"{pointer}/{key}",
                    f"modal {key}",
                    MODAL_TEXT_MAX,
                    plain_only=True,
                    required=False,
                )
            blocks = view.get("blocks")
            has_input = isinstance(blocks, list) and any(
                isinstance(b, dict) and b.get("type") == "input" for b in blocks
            )
            if has_input and view.get("submit") is None:
                self.fail(f"{pointer}/submit", "a modal with input blocks needs a submit button")
        else:
            for key in ("submit", "close"):
                if view.get(key) is not None:
                    self.fail(f"{pointer}/{key}", f"a Home tab view cannot have `{key}`")
        self.string(
            view.get("private_metadata"),
            f"{pointer}/private_metadata",
            "private_metadata",
            PRIVATE_METADATA_MAX,
        )
        self.identifier(view.get("callback_id"), f"{pointer}/callback_id", "callback_id")
        self.identifier(view.get("external_id"), f"{pointer}/external_id", "external_id")

    # -- blocks --------------------------------------------------------------------------

    def block(self, block: object, pointer: str) -> None:
        if not isinstance(block, dict):
            self.fail(pointer, f"a block must be an object, not {_kind(block)}")
            return
        block_type = block.get("type")
        if block_type not in BLOCK_TYPES:
            known = ", ".join(sorted(BLOCK_TYPES))
            self.fail(f"{pointer}/type", f"unknown block type {block_type!r} (known: {known})")
            return
        block_id = block.get("block_id")
        self.identifier(block_id, f"{pointer}/block_id", "block_id")
        if isinstance(block_id, str):
            if block_id in self._block_ids:
                self.fail(f"{pointer}/block_id", f"duplicate block_id {block_id!r}")
            self._block_ids.add(block_id)
        getattr(self, f"_block_{block_type}")(block, pointer)

    def _block_section(self, block: dict[str, Any], pointer: str) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and fields is None:
            self.fail(pointer, "a section needs `text` or `fields`")
        self.text(text, f"{pointer}/text", "section text", SECTION_TEXT_MAX, required=False)
        if fields is not None:
            items = self.array(fields, f"{pointer}/fields", "section fields", 1, SECTION_FIELDS_MAX)
            for index, item in enumerate(items or ()):
                self.text(
                    item, f"{pointer}/fields/{index}", "section field", SECTION_FIELD_TEXT_MAX
                )
        accessory = block.get("accessory")
        if accessory is not None:
            self.element(
                accessory, f"{pointer}/accessory", SECTION_ACCESSORIES, "a section accessory"
            )

    def _block_header(self, block: dict[str, Any], pointer: str) -> None:
        self.text(
            block.get("text"), f"{pointer}/text", "header text", HEADER_TEXT_MAX, plain_only=True
        )

    def _block_divider(self, block: dict[str, Any], pointer: str) -> None:
        pass

    def _block_context(self, block: dict[str, Any], pointer: str) -> None:
        items = self.array(
            block.get("elements"),
            f"{pointer}/elements",
            "context elements",
            1,
            CONTEXT_ELEMENTS_MAX,
        )
        for index, item in enumerate(items or ()):
            where = f"{pointer}/elements/{index}"
            if isinstance(item, dict) and item.get("type") == "image":
                self._image(item, where)
            else:
                self.text(item, where, "context text", None)

    def _block_actions(self, block: dict[str, Any], pointer: str) -> None:
        items = self.array(
            block.get("elements"),
            f"{pointer}/elements",
            "actions elements",
            1,
            ACTIONS_ELEMENTS_MAX,
        )
        seen: set[str] = set()
        for index, item in enumerate(items or ()):
            where = f"{pointer}/elements/{index}"
            self.element(item, where, ACTIONS_BLOCK_ELEMENTS, "an actions block")
            action_id = item.get("action_id") if isinstance(item, dict) else None
            if isinstance(action_id, str):
                if action_id in seen:
                    self.fail(
                        f"{where}/action_id", f"duplicate action_id {action_id!r} in one block"
                    )
                seen.add(action_id)

    def _block_input(self, block: dict[str, Any], pointer: str) -> None:
        self.text(
            block.get("label"), f"{pointer}/label", "input label", INPUT_LABEL_MAX, plain_only=True
        )
        self.text(
            block.get("hint"),
            f"{pointer}/hint",
            "input hint",
            INPUT_HINT_MAX,
            plain_only=True,
            required=False,
        )
        element = block.get("element")
        if element is None:
            self.fail(f"{pointer}/element", "an input block needs an `element`")
        else:
            self.element(element, f"{pointer}/element", INPUT_BLOCK_ELEMENTS, "an input block")

    def _block_rich_text(self, block: dict[str, Any], pointer: str) -> None:
        self.array(block.get("elements"), f"{pointer}/elements", "rich_text elements", 1, 10_000)

    def _block_image(self, block: dict[str, Any], pointer: str) -> None:
        self._image(block, pointer)
        self.text(
            block.get("title"),
            f"{pointer}/title",
            "image title",
            IMAGE_TITLE_MAX,
            plain_only=True,
            required=False,
        )

    def _block_markdown(self, block: dict[str, Any], pointer: str) -> None:
        self.string(
            block.get("text"), f"{pointer}/text", "markdown text", MARKDOWN_BLOCK_MAX, required=True
        )

    # -- elements ------------------------------------------------------------------------

    def element(self, element: object, pointer: str, allowed: Iterable[str], where: str) -> None:
        if not isinstance(element, dict):
            self.fail(pointer, f"an element must be an object, not {_kind(element)}")
            return
        element_type = element.get("type")
        if element_type not in ELEMENT_TYPES:
            self.fail(f"{pointer}/type", f"unknown element type {element_type!r}")
            return
        if element_type not in set(allowed):
            self.fail(f"{pointer}/type", f"{element_type} cannot be used in {where}")
        self.identifier(element.get("action_id"), f"{pointer}/action_id", "action_id")
        self.text(
            element.get("placeholder"),
            f"{pointer}/placeholder",
            "placeholder",
            PLACEHOLDER_MAX,
            plain_only=True,
            required=False,
        )
        confirm = element.get("confirm")
        if confirm is not None:
            self._confirm(confirm, f"{pointer}/confirm")
        if element_type == "button":
            self._button(element, pointer)
        elif element_type == "image":
            self._image(element, pointer)
        elif element_type == "overflow":
            low, high = OVERFLOW_OPTIONS
            self._options(
                element.get("options"), f"{pointer}/options", "overflow options", low, high, True
            )
        elif element_type == "checkboxes":
            self._options(
                element.get("options"),
                f"{pointer}/options",
                "checkboxes options",
                1,
                CHECKBOXES_OPTIONS_MAX,
                False,
            )
        elif element_type == "radio_buttons":
            self._options(
                element.get("options"), f"{pointer}/options", "radio options", 1, 10_000, False
            )
        elif element_type in ("static_select", "multi_static_select"):
            self._static_select(element, pointer)
        elif element_type == "plain_text_input":
            self._plain_text_input(element, pointer)

    def _button(self, element: dict[str, Any], pointer: str) -> None:
        self.text(
            element.get("text"), f"{pointer}/text", "button text", BUTTON_TEXT_MAX, plain_only=True
        )
        self.string(element.get("value"), f"{pointer}/value", "button value", BUTTON_VALUE_MAX)
        self.string(element.get("url"), f"{pointer}/url", "button url", URL_MAX)
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            self.fail(f"{pointer}/style", f"button style must be primary or danger, not {style!r}")

    def _image(self, element: dict[str, Any], pointer: str) -> None:
        image_url, slack_file = element.get("image_url"), element.get("slack_file")
        if image_url is None and slack_file is None:
            self.fail(pointer, "an image needs `image_url` or `slack_file`")
        elif image_url is not None and slack_file is not None:
            self.fail(pointer, "an image takes `image_url` or `slack_file`, not both")
        self.string(image_url, f"{pointer}/image_url", "image_url", URL_MAX)
        if slack_file is not None:
            self._slack_file(slack_file, f"{pointer}/slack_file")
        self.string(
            element.get("alt_text"),
            f"{pointer}/alt_text",
            "image alt_text",
            IMAGE_ALT_TEXT_MAX,
            required=True,
        )

    def _slack_file(self, slack_file: object, pointer: str) -> None:
        if not isinstance(slack_file, dict):
            self.fail(pointer, f"slack_file must be an object, not {_kind(slack_file)}")
            return
        file_id, url = slack_file.get("id"), slack_file.get("url")
        if file_id is None and url is None:
            self.fail(pointer, "slack_file needs `id` or `url`")
        elif file_id is not None and url is not None:
            self.fail(pointer, "slack_file takes `id` or `url`, not both")
        self.string(file_id, f"{pointer}/id", "slack_file id", ID_MAX)
        self.string(url, f"{pointer}/url", "slack_file url", URL_MAX)

    def _confirm(self, confirm: object, pointer: str) -> None:
        if not isinstance(confirm, dict):
            self.fail(pointer, f"confirm must be an object, not {_kind(confirm)}")
            return
        self.text(
            confirm.get("title"),
            f"{pointer}/title",
            "confirm title",
            CONFIRM_TITLE_MAX,
            plain_only=True,
        )
        self.text(confirm.get("text"), f"{pointer}/text", "confirm text", CONFIRM_TEXT_MAX)
        for key in ("confirm", "deny"):
            self.text(
                confirm.get(key),
                f"{pointer}/{key}",
                f"confirm {key}",
                CONFIRM_BUTTON_MAX,
                plain_only=True,
            )

    def _options(
        self, value: object, pointer: str, what: str, low: int, high: int, plain_only: bool
    ) -> None:
        items = self.array(value, pointer, what, low, high)
        for index, option in enumerate(items or ()):
            self._option(option, f"{pointer}/{index}", plain_only)

    def _option(self, option: object, pointer: str, plain_only: bool) -> None:
        if not isinstance(option, dict):
            self.fail(pointer, f"an option must be an object, not {_kind(option)}")
            return
        self.text(
            option.get("text"),
            f"{pointer}/text",
            "option text",
            OPTION_TEXT_MAX,
            plain_only=plain_only,
        )
        self.string(
            option.get("value"), f"{pointer}/value", "option value", OPTION_VALUE_MAX, required=True
        )
        self.text(
            option.get("description"),
            f"{pointer}/description",
            "option description",
            OPTION_DESCRIPTION_MAX,
            plain_only=True,
            required=False,
        )
        self.string(option.get("url"), f"{pointer}/url", "option url", URL_MAX)

    def _static_select(self, element: dict[str, Any], pointer: str) -> None:
        options, groups = element.get("options"), element.get("option_groups")
        if (options is None) == (groups is None):
            self.fail(pointer, "a static select needs exactly one of `options` and `option_groups`")
        if options is not None:
            self._options(
                options, f"{pointer}/options", "select options", 1, SELECT_OPTIONS_MAX, True
            )
        if groups is not None:
            items = self.array(
                groups, f"{pointer}/option_groups", "option_groups", 1, SELECT_OPTION_GROUPS_MAX
            )
            for index, group in enumerate(items or ()):
                where = f"{pointer}/option_groups/{index}"
                if not isinstance(group, dict):
                    self.fail(where, f"an option group must be an object, not {_kind(group)}")
                    continue
                self.text(
                    group.get("label"),
                    f"{where}/label",
                    "option group label",
                    OPTION_TEXT_MAX,
                    plain_only=True,
                )
                self._options(
                    group.get("options"),
                    f"{where}/options",
                    "group options",
                    1,
                    SELECT_OPTIONS_MAX,
                    True,
                )

    def _plain_text_input(self, element: dict[str, Any], pointer: str) -> None:
        max_length = element.get("max_length")
        limit = TEXT_INPUT_MAX
        for key in ("min_length", "max_length"):
            value = element.get(key)
            if value is None:
                continue
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 <= value <= TEXT_INPUT_MAX
            ):
                self.fail(
                    f"{pointer}/{key}", f"{key} must be an integer from 0 to {TEXT_INPUT_MAX}"
                )
            elif key == "max_length":
                limit = value
        initial = element.get("initial_value")
        if isinstance(initial, str) and isinstance(max_length, int) and len(initial) > limit:
            self.fail(
                f"{pointer}/initial_value",
                f"initial_value must be at most max_length={limit} characters (got {len(initial)})",
            )
        else:
            self.string(initial, f"{pointer}/initial_value", "initial_value", TEXT_INPUT_MAX)
