"""The per-conversation settings dialog: system prompt, temperature, max tokens, top_p, reasoning effort.

It returns a new `ConversationSettings` on Save (ctrl+s or the button) and None on Escape, and never touches
the config file. Each number is checked as it is typed, with the reason under the field and Save disabled
until every field is valid, so a bad value is never sent and never silently dropped. An empty field means
"not set": the parameter is left out of the request and the model's default applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from anannas_tui.core.config import REASONING_EFFORTS, ChatParams
from anannas_tui.core.conversation_settings import (
    ConversationSettings,
    FieldError,
    format_number,
    parse_max_tokens,
    parse_temperature,
    parse_top_p,
)

DEFAULT_EFFORT = "default"
"""The Select value that means "send no reasoning effort"."""


class ParseValidator(Validator):
    """Runs one of the core parsers, so the dialog accepts exactly what `ChatParams.validate` does."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self._parse = parse

    def validate(self, value: str) -> ValidationResult:
        """Valid when the parser accepts `value`; the failure text is the parser's short reason."""
        try:
            self._parse(value)
        except FieldError as error:
            return self.failure(str(error), value)
        return self.success()


class ParamsDialog(ModalScreen[ConversationSettings | None]):
    """Edit a conversation's system prompt and sampling parameters."""

    DEFAULT_CSS = """
    ParamsDialog {
        align: center middle;
        #params-box {
            width: 78;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 0 1;
            border: round $primary;
            background: $surface;
            border-title-color: $text-primary;
            border-subtitle-color: $foreground-muted;
        }
        Label { color: $foreground-muted; }
        #params-system-prompt { height: 7; }
        #params-fields { height: auto; margin-top: 1; }
        .params-field { width: 1fr; height: auto; margin-right: 1; }
        .params-field:last-of-type { margin-right: 0; }
        .params-error { height: 1; color: $text-error; }
        #params-buttons { height: auto; align-horizontal: right; }
        #params-buttons Button { margin-left: 2; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, settings: ConversationSettings, *, title: str = "Conversation settings") -> None:
        """Open on `settings` (the conversation's current ones)."""
        super().__init__()
        self.settings = settings
        """The settings the dialog opened with."""
        self._title = title

    def compose(self) -> ComposeResult:
        """The prompt on top, the four parameters in one row, the buttons below."""
        params = self.settings.params
        with Vertical(id="params-box") as box:
            box.border_title = self._title
            box.border_subtitle = "ctrl+s save · esc cancel"
            yield Label("System prompt (empty sends none)")
            yield TextArea(self.settings.system_prompt, id="params-system-prompt", soft_wrap=True, tab_behavior="focus")
            with Horizontal(id="params-fields"):
                yield from _number_field(
                    "temperature", "Temperature 0–2", params.temperature, parse_temperature, "default"
                )
                yield from _number_field(
                    "max-tokens", "Max tokens", params.max_tokens, parse_max_tokens, "no limit", "integer"
                )
                yield from _number_field("top-p", "Top p 0–1", params.top_p, parse_top_p, "default")
                with Vertical(classes="params-field"):
                    yield Label("Reasoning")
                    yield Select(
                        [(DEFAULT_EFFORT, DEFAULT_EFFORT), *((effort, effort) for effort in REASONING_EFFORTS)],
                        value=params.reasoning_effort or DEFAULT_EFFORT,
                        allow_blank=False,
                        id="params-reasoning",
                    )
            with Horizontal(id="params-buttons"):
                yield Button("Cancel", id="params-cancel")
                yield Button("Save", id="params-save", variant="primary")

    def on_mount(self) -> None:
        """Start in the system prompt, with the fields' state shown."""
        self.query_one("#params-system-prompt", TextArea).focus()
        self._update_save()

    @on(Input.Changed)
    def _show_validation(self, event: Input.Changed) -> None:
        """Put the reason under the field and enable Save only when everything is valid."""
        result = event.validation_result
        reason = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        self.query_one(f"#{event.input.id}-error", Static).update(reason)
        self._update_save()

    def _update_save(self) -> None:
        self.query_one("#params-save", Button).disabled = not self.is_valid

    @property
    def is_valid(self) -> bool:
        """True when every field holds an acceptable value (or is empty)."""
        return all(field.is_valid for field in self.query(Input))

    def current_settings(self) -> ConversationSettings:
        """The settings as the fields say now.

        Raises:
            FieldError: a field holds a value that is not acceptable.
        """
        effort = self.query_one("#params-reasoning", Select).value
        params: ChatParams = replace(
            self.settings.params,
            temperature=parse_temperature(self._value("temperature")),
            max_tokens=parse_max_tokens(self._value("max-tokens")),
            top_p=parse_top_p(self._value("top-p")),
            reasoning_effort=effort if isinstance(effort, str) and effort != DEFAULT_EFFORT else None,
        )
        prompt = self.query_one("#params-system-prompt", TextArea).text
        return ConversationSettings(system_prompt=prompt, params=params)

    def _value(self, name: str) -> str:
        return self.query_one(f"#params-{name}", Input).value

    def action_save(self) -> None:
        """Return the edited settings, unless a field is invalid (then the field says why)."""
        try:
            settings = self.current_settings()
        except FieldError:
            self.app.bell()
            return
        self.dismiss(settings)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)

    @on(Button.Pressed, "#params-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#params-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def _number_field(
    name: str,
    label: str,
    value: float | int | None,
    parse: Callable[[str], object],
    placeholder: str,
    kind: Literal["integer", "number"] = "number",
) -> ComposeResult:
    """A label, an input validated by `parse` (empty allowed) and a line for the reason it is invalid.

    The input's `kind` keeps letters out as they are typed; the parser still decides what is acceptable.
    """
    with Vertical(classes="params-field"):
        yield Label(label)
        yield Input(
            format_number(value),
            placeholder=placeholder,
            type=kind,
            id=f"params-{name}",
            validators=[ParseValidator(parse)],
            valid_empty=True,
            validate_on=["changed"],
        )
        yield Static("", id=f"params-{name}-error", classes="params-error", markup=False)
