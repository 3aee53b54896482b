"""The widths of a table's columns on a screen 屏幕: nothing cut (since session 26).

rich fits a table to the terminal by cutting its widest cells ("2016-08-…", "江南街道低保台账
…": tester D, session 26, on PuTTY's 80 columns, and at 120 the recording time). Here a
column none of whose values holds a space (dates, recording times, versions, ids, numbers,
money, documents) is as wide as its widest value; a column of free text wraps at its spaces,
never narrower than its longest word; the widest free columns give way first. Where even so
the table does not fit, ``screen_widths`` says None and the table is written as into a pipe,
at the width its cells need (the terminal wraps its lines; nothing is cut)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import _wrap
from rich import text as rich_text
from rich.cells import cell_len
from rich.text import Text

__all__ = ["mend_rich_wrap", "screen_widths"]

#: A cell's padding (rich's default: one space each side) and a column's border.
_PADDING = 2
_BORDER = 1


def screen_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[int] | None:
    """The width of each column's text on a screen ``width`` cells wide, or None if its
    values cannot all be shown whole there."""
    room = width - _BORDER * (len(columns) + 1) - _PADDING * len(columns)
    natural: list[int] = []
    least: list[int] = []
    for index, name in enumerate(columns):
        values = [row[index] for row in rows]
        whole, word = _widest(values)
        header = max((cell_len(part) for part in name.split()), default=1)
        natural.append(max(whole, header, 1))
        free = any(any(char.isspace() for char in value) for value in values)
        least.append(max(word, header, 1) if free else natural[-1])
    if sum(least) > room:
        return None
    return _fill(natural, least, room)


def _widest(values: Sequence[str]) -> tuple[int, int]:
    """The widest line of ``values``, and their longest word."""
    lines = [line for value in values for line in value.splitlines()]
    whole = max((cell_len(line) for line in lines), default=0)
    word = max((cell_len(part) for line in lines for part in line.split()), default=0)
    return whole, word


def _fill(natural: list[int], least: list[int], room: int) -> list[int]:
    """Each column its natural width, cut down to a common cap (never below its least) so
    that together they take at most ``room``: the widest give way first."""
    if sum(natural) <= room:
        return natural
    low, high = 0, max(natural)  # the largest cap that fits: sum is monotonic in the cap
    while low < high:
        cap = (low + high + 1) // 2
        if (
            sum(max(most, min(full, cap)) for full, most in zip(natural, least, strict=True))
            <= room
        ):
            low = cap
        else:
            high = cap - 1
    return [max(most, min(full, low)) for full, most in zip(natural, least, strict=True)]


def mend_rich_wrap() -> None:
    """Have rich strip a wrapped line's trailing spaces by its width in cells, not characters.

    ``rich.text.Text.rstrip_end`` (rich 15) compares the line's length in characters with the
    width in cells: a line of Chinese (two cells a character) whose last word ends at the
    width keeps the space after it, one cell too many, and ``Table`` then cuts the word
    ("读模型 (tables i…": tester J, session 26, in ``fupin --help`` and every command's help
    at most widths, on a terminal, into a pipe or a file, and on TERM=dumb). And a word wider
    than its column (a run of Chinese with no space, 新时期城乡精准扶贫精准脱贫实施方案; a URL)
    is folded onto the next line, as rich's ``overflow="fold"`` does, never cut with "…": Chinese
    breaks between any two characters, and nothing of a URL is lost. Idempotent."""
    if getattr(Text.rstrip_end, "_fupin", False):
        return

    def rstrip_end(self: Text, size: int) -> None:
        excess = self.cell_len - size
        if excess > 0:
            spaces = len(self.plain) - len(self.plain.rstrip())
            if spaces:
                self.right_crop(min(spaces, excess))

    def divide_line(text: str, width: int, fold: bool = True) -> list[int]:  # always folds
        return _wrap.divide_line(text, width, fold=True)

    rstrip_end._fupin = True  # type: ignore[attr-defined]
    Text.rstrip_end = rstrip_end  # type: ignore[method-assign]
    setattr(rich_text, "divide_line", divide_line)  # noqa: B010 (not exported: mypy)
