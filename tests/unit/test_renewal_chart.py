"""bot.reporting.chart: the weekly report's renewal chart, read back as a PNG with Pillow."""

from __future__ import annotations

import functools
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.reporting.chart import (
    ChartSeries,
    PixelBox,
    RenewalChart,
    month_label,
    plot_areas,
    render_png,
    short_amount,
)

HEALTHY, WATCH, AT_RISK = "#2e7d32", "#f9a825", "#c62828"
RGB = {HEALTHY: (0x2E, 0x7D, 0x32), WATCH: (0xF9, 0xA8, 0x25), AT_RISK: (0xC6, 0x28, 0x28)}
MONTHS = tuple(date(2027, month, 1) for month in range(1, 13))


def chart(
    currency: str = "EUR",
    healthy: tuple[int, ...] = (0,) * 12,
    watch: tuple[int, ...] = (0,) * 12,
    at_risk: tuple[int, ...] = (0,) * 12,
) -> RenewalChart:
    def band(label: str, color: str, values: tuple[int, ...]) -> ChartSeries:
        return ChartSeries(label, color, tuple(Decimal(value) for value in values))

    return RenewalChart(
        currency,
        MONTHS,
        (
            band("healthy", HEALTHY, healthy),
            band("watch", WATCH, watch),
            band("at risk", AT_RISK, at_risk),
        ),
    )


SAMPLE = chart(
    healthy=(10, 20, 0, 5, 40, 0, 12, 3, 0, 8, 9, 30),
    watch=(5, 0, 0, 5, 10, 2, 0, 3, 0, 8, 0, 10),
    at_risk=(0, 7, 0, 1, 20, 0, 0, 3, 0, 8, 1, 5),
)


@functools.cache
def sample_png() -> bytes:
    """SAMPLE drawn once: several tests read the same picture (each render costs ~0.1 s)."""
    return render_png([SAMPLE], title="Renewals")


def image_of(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def pixels_of(image: Image.Image, color: str, box: tuple[int, int, int, int] | None = None) -> int:
    """How many pixels of exactly this colour the image (or a box of it) holds."""
    region = (image if box is None else image.crop(box)).convert("RGB")
    counts = region.getcolors(maxcolors=region.width * region.height) or []
    return sum(count for count, rgb in counts if rgb == RGB[color])


def column(area: PixelBox, month: int, months: int = 12) -> tuple[int, int, int, int]:
    """The middle of a month's slot (narrower than its bar), over the whole plot height."""
    slot = area.width / months
    middle = area.left + (month + 0.5) * slot
    return (
        round(middle - 0.25 * slot),
        round(area.top),
        round(middle + 0.25 * slot),
        round(area.top + area.height),
    )


def areas(count: int) -> tuple[PixelBox, ...]:
    return plot_areas(count, width_px=1200, height_px_per_chart=400, dpi=100)


def test_one_currency_is_a_png_of_the_asked_size() -> None:
    image = image_of(sample_png())
    assert image.format == "PNG"
    assert image.size == (1200, 400)


def test_three_currencies_stack_three_panels() -> None:
    charts = [SAMPLE, chart("USD", healthy=(1,) * 12), chart("GBP", at_risk=(3,) * 12)]
    image = image_of(render_png(charts, title="Renewals"))
    assert image.format == "PNG"
    assert image.size == (1200, 1200)


def test_another_size_and_resolution_is_exact() -> None:
    png = render_png(
        [SAMPLE, SAMPLE], title="Renewals", width_px=901, height_px_per_chart=301, dpi=144
    )
    assert image_of(png).size == (901, 602)


def test_the_chart_is_not_blank() -> None:
    image = image_of(sample_png()).convert("RGB")
    # Bars, text and antialiased edges: a blank or one-colour image has a handful at most.
    assert len(image.getcolors(maxcolors=image.width * image.height) or []) > 50
    for color in (HEALTHY, WATCH, AT_RISK):
        assert pixels_of(image, color) > 1000


def test_a_band_with_no_value_has_no_colour_anywhere_not_even_in_the_legend() -> None:
    image = image_of(render_png([chart(healthy=(5,) * 12, at_risk=(2,) * 12)], title="R"))
    assert pixels_of(image, HEALTHY) > 0
    assert pixels_of(image, AT_RISK) > 0
    assert pixels_of(image, WATCH) == 0


def test_bar_heights_follow_the_values_and_an_empty_month_draws_nothing() -> None:
    data = chart(healthy=(10, 20, 0, 40, 0, 0, 0, 0, 0, 0, 0, 5))
    image = image_of(render_png([data], title="Renewals"))
    (area,) = areas(1)
    january, february, march, april = (pixels_of(image, HEALTHY, column(area, m)) for m in range(4))
    assert january > 0
    assert 1.9 < february / january < 2.1
    assert 3.8 < april / january < 4.2
    for color in (HEALTHY, WATCH, AT_RISK):
        assert pixels_of(image, color, column(area, 2)) == 0
    assert march == 0


def test_bands_stack_in_the_callers_order_bottom_to_top() -> None:
    image = image_of(sample_png()).convert("RGB")
    (area,) = areas(1)
    left, top, right, bottom = column(area, 4)  # May: all three bands
    x = (left + right) // 2
    rows = {
        color: [y for y in range(top, bottom) if image.getpixel((x, y)) == RGB[color]]
        for color in RGB
    }
    # Image rows grow downwards: the bottom band has the largest row numbers.
    assert min(rows[HEALTHY]) > max(rows[WATCH])
    assert min(rows[WATCH]) > max(rows[AT_RISK])
    # May holds 40 healthy, 10 watch, 20 at risk.
    assert 3.6 < len(rows[HEALTHY]) / len(rows[WATCH]) < 4.4
    assert 1.8 < len(rows[AT_RISK]) / len(rows[WATCH]) < 2.2


def test_each_currency_has_its_own_axis() -> None:
    # The same shape in euros and in millions of dollars draws bars of the same height:
    # no currency is squashed against another's scale.
    shape = (10, 20, 0, 40, 0, 0, 0, 0, 0, 0, 0, 5)
    dollars = tuple(value * 1_000_000 for value in shape)
    image = image_of(render_png([chart(healthy=shape), chart("USD", healthy=dollars)], title="R"))
    euros_area, dollars_area = areas(2)
    for month in (0, 1, 3):
        in_euros = pixels_of(image, HEALTHY, column(euros_area, month))
        in_dollars = pixels_of(image, HEALTHY, column(dollars_area, month))
        assert in_euros > 0
        assert 0.85 < in_dollars / in_euros < 1.15
    assert pixels_of(image, HEALTHY, column(euros_area, 2)) == 0


def test_a_panel_with_nothing_renewing_draws_no_bars() -> None:
    image = image_of(render_png([chart("USD"), SAMPLE], title="Renewals"))
    empty, full = areas(2)
    panel = (0, 0, 1200, 400)
    for color in RGB:
        assert pixels_of(image, color, panel) == 0
        assert pixels_of(image, color, (0, 400, 1200, 800)) > 0
    assert full.top > 400 > empty.top


def test_same_input_same_bytes_and_no_software_string() -> None:
    first = render_png([SAMPLE], title="Renewals")
    second = render_png([SAMPLE], title="Renewals")
    assert first == second
    assert "Software" not in image_of(first).info
    assert b"matplotlib" not in first.lower()


def test_threads_render_the_same_bytes_as_one_thread() -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(lambda _: render_png([SAMPLE], title="Renewals"), range(3)))
    assert together == [sample_png()] * 3


@pytest.mark.parametrize("charts", [[], [chart()], [chart(), chart("USD")]])
def test_nothing_to_draw_is_refused(charts: list[RenewalChart]) -> None:
    with pytest.raises(ValueError, match=r"nothing to draw|no charts"):
        render_png(charts, title="Renewals")


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            RenewalChart("EUR", MONTHS, (ChartSeries("h", HEALTHY, (Decimal(1),) * 11),)),
            "11 values",
        ),
        (RenewalChart("EUR", MONTHS, (ChartSeries("h", HEALTHY, (Decimal(-1),) * 12),)), "-1"),
        (RenewalChart("EUR", MONTHS, (ChartSeries("h", HEALTHY, (Decimal("NaN"),) * 12),)), "NaN"),
        (RenewalChart("EUR", MONTHS, (ChartSeries("h", "nope", (Decimal(1),) * 12),)), "colour"),
        (
            RenewalChart(
                "EUR",
                (date(2027, 1, 15), *MONTHS[1:]),
                (ChartSeries("h", HEALTHY, (Decimal(1),) * 12),),
            ),
            "first day",
        ),
    ],
)
def test_inconsistent_input_is_refused(broken: RenewalChart, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_png([broken], title="Renewals")


def test_an_image_too_small_to_read_is_refused() -> None:
    with pytest.raises(ValueError, match="too narrow"):
        render_png([SAMPLE], title="R", width_px=300)
    with pytest.raises(ValueError, match="too low"):
        render_png([SAMPLE], title="R", height_px_per_chart=100)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (0.5, "0.5"),
        (950.0, "950"),
        (1000.0, "1k"),
        (1250.0, "1.25k"),
        (24000.0, "24k"),
        (24500.0, "24.5k"),
        (999_999.0, "1M"),
        (1_200_000.0, "1.2M"),
        (12_345_678.0, "12.3M"),
        (3e9, "3B"),
        (1.5e12, "1.5T"),
    ],
)
def test_axis_values_are_short(value: float, text: str) -> None:
    assert short_amount(value) == text


def test_month_labels_are_short_and_english() -> None:
    assert [month_label(month) for month in (date(2027, 1, 1), date(2030, 12, 1))] == [
        "Jan 27",
        "Dec 30",
    ]


amounts = st.decimals(
    min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False
)
twelve = st.tuples(*[amounts] * 12)


@settings(max_examples=6, deadline=None)
@given(st.lists(st.tuples(twelve, twelve, twelve), min_size=1, max_size=2))
def test_any_non_negative_values_render_a_png_of_the_asked_size(
    panels: list[tuple[tuple[Decimal, ...], ...]],
) -> None:
    charts = [
        RenewalChart(
            f"C{index}",
            MONTHS,
            tuple(
                ChartSeries(label, color, values)
                for (label, color), values in zip(
                    (("healthy", HEALTHY), ("watch", WATCH), ("at risk", AT_RISK)),
                    bands,
                    strict=True,
                )
            ),
        )
        for index, bands in enumerate(panels)
    ]
    if all(value == 0 for bands in panels for values in bands for value in values):
        with pytest.raises(ValueError, match="nothing to draw"):
            render_png(charts, title="R", width_px=700, height_px_per_chart=220)
        return
    png = render_png(charts, title="R", width_px=700, height_px_per_chart=220)
    assert image_of(png).size == (700, 220 * len(charts))
