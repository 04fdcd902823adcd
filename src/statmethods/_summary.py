"""A small printable summary used by every result object's ``summary()``."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Summary:
    """Title, a header of key facts and a table; prints as text, renders as HTML."""

    title: str
    header: dict[str, str]
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        width = max(len(self.title), 60)
        key_w = max((len(k) for k in self.header), default=0)
        lines = [self.title, "=" * width]
        lines += [f"{k:<{key_w}}  {v}" for k, v in self.header.items()]
        lines += ["-" * width, self.table.to_string(), "=" * width]
        lines += self.notes
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>"
                       for k, v in self.header.items())
        notes = "".join(f"<p><small>{n}</small></p>" for n in self.notes)
        return (f"<p><strong>{self.title}</strong></p><table>{head}</table>"
                f"{self.table.to_html()}{notes}")
