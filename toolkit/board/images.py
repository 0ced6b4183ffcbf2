"""The charts of the PDF and HTML as PNG images, drawn with matplotlib (Agg backend, imported only here, lazily)."""

from __future__ import annotations

import io
from pathlib import Path

from toolkit.board.model import Area, Chart, charts

CURRENT_COLOUR = "#1f5f8b"
PREVIOUS_COLOUR = "#a9c4d8"


def font_path(style: str = "") -> Path:
    """DejaVu Sans as shipped with matplotlib: the PDF uses the same font as the charts (full Unicode: €, é)."""
    import matplotlib

    name = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}.get(
        style, "DejaVuSans-BoldOblique.ttf"
    )
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def area_png(area: Area, current_label: str, previous_label: str, height_cm: float = 5.5) -> bytes | None:
    """All charts of one area in one image (two per row), or None when there is nothing to draw."""
    found = charts(area)
    if not found:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    columns = 1 if len(found) == 1 else 2
    rows = (len(found) + columns - 1) // columns
    figure, axes = plt.subplots(
        rows, columns, figsize=(17 / 2.54, height_cm * rows / 2.54 * (1 if rows == 1 else 0.85)), squeeze=False
    )
    try:
        for index, chart in enumerate(found):
            _draw(axes[index // columns][index % columns], chart, current_label, previous_label)
        for index in range(len(found), rows * columns):
            axes[index // columns][index % columns].axis("off")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=150)
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _draw(axis: object, chart: Chart, current_label: str, previous_label: str) -> None:
    positions = list(range(len(chart.labels)))
    width = 0.4
    axis.barh([p - width / 2 for p in positions], chart.current, width, label=current_label, color=CURRENT_COLOUR)  # type: ignore[attr-defined]
    axis.barh([p + width / 2 for p in positions], chart.previous, width, label=previous_label, color=PREVIOUS_COLOUR)  # type: ignore[attr-defined]
    axis.set_yticks(positions, [_short(label) for label in chart.labels], fontsize=7)  # type: ignore[attr-defined]
    axis.invert_yaxis()  # type: ignore[attr-defined]
    axis.set_title(chart.title, fontsize=9)  # type: ignore[attr-defined]
    axis.tick_params(axis="x", labelsize=7)  # type: ignore[attr-defined]
    axis.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[attr-defined]
    axis.legend(fontsize=7, loc="lower right")  # type: ignore[attr-defined]
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)  # type: ignore[attr-defined]


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
