"""The ordered list of report sections and how a section declares its inputs."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["SECTIONS", "Section", "register_section"]


@dataclass(frozen=True)
class Section:
    """One section of the report.

    Parameters
    ----------
    key : str
        Anchor id in the page (``"roc"``).
    title : str
        Heading (``"Discrimination: ROC, KS and gains"``).
    render : callable
        Keyword-only function of the inputs it needs, returning the section's inner HTML.
        Parameters without a default are required (the section is left out when one is
        not available); parameters with a default are passed when available.

    Examples
    --------
    >>> def hello(*, data): return "<p>hi</p>"
    >>> Section("hello", "Hello", hello).required
    ('data',)
    """

    key: str
    title: str
    render: Callable[..., str]

    @property
    def required(self) -> tuple[str, ...]:
        """Input names the section cannot do without."""
        return tuple(
            n
            for n, p in inspect.signature(self.render).parameters.items()
            if p.default is inspect.Parameter.empty
        )

    @property
    def optional(self) -> tuple[str, ...]:
        """Input names the section uses when they are available."""
        return tuple(
            n
            for n, p in inspect.signature(self.render).parameters.items()
            if p.default is not inspect.Parameter.empty
        )


#: The report's sections, in page order.
SECTIONS: list[Section] = []


def register_section(
    key: str, title: str, *, before: str | None = None
) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Decorator adding a section function to :data:`SECTIONS`.

    Parameters
    ----------
    key : str
        Unique anchor id.
    title : str
        Section heading.
    before : str, default=None
        Insert before the section with this key (appended when None).

    Examples
    --------
    >>> @register_section("doc_example", "Example")
    ... def _example(*, data):
    ...     return "<p>example</p>"
    >>> SECTIONS[-1].key
    'doc_example'
    >>> _ = SECTIONS.pop()
    """

    def decorate(func: Callable[..., str]) -> Callable[..., str]:
        if any(s.key == key for s in SECTIONS):
            msg = f"report section {key!r} is registered twice."
            raise ValueError(msg)
        section = Section(key, title, func)
        index = next((i for i, s in enumerate(SECTIONS) if s.key == before), len(SECTIONS))
        SECTIONS.insert(index, section)
        return func

    return decorate
