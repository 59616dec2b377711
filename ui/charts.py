"""Shared Altair look for Yixian charts, with a CJK font so Chinese labels render, and PNG export.

Pure Altair + vl-convert (no Streamlit), so benchmarks and tests can build the same specs.
The font is Debian's fonts-noto-cjk ("Noto Sans CJK SC"); the browser picks it up from the
system, and vl-convert (a headless renderer with its own font database) is pointed at the
same directory before the first PNG, otherwise Chinese text comes out as empty boxes.
"""
from __future__ import annotations

import threading
from pathlib import Path

import altair as alt
import pandas as pd

from common import vocabulary as V

FONT = "Noto Sans CJK SC"
FONT_STACK = f"'{FONT}', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
# Diverging scale for rates: red (0) → amber → green (1); colour-blind safe enough with the labels.
RATE_SCALE = alt.Scale(domain=[0, 0.5, 1], range=["#c62828", "#fdd835", "#2e7d32"])
# A period not over yet (its cadres still have time): outside the red–green scale, so never read as missed.
IN_PROGRESS_COLOR = "#90caf9"

_fonts_lock = threading.Lock()
_fonts_registered = False


def style(chart: alt.TopLevelMixin, title: str | None = None) -> alt.TopLevelMixin:
    """Apply the Yixian look: CJK font everywhere (title, axes, legends, marks), quiet grid. One
    `configure` call (each call copies the whole chart, data included)."""
    if title is not None:
        chart = chart.properties(title=title)
    return chart.configure(
        font=FONT_STACK, title={"font": FONT_STACK, "fontSize": 15, "anchor": "start"},
        axis={"labelFont": FONT_STACK, "titleFont": FONT_STACK, "labelFontSize": 12, "titleFontSize": 12,
              "gridOpacity": 0.4},
        legend={"labelFont": FONT_STACK, "titleFont": FONT_STACK, "labelFontSize": 12},
        header={"labelFont": FONT_STACK, "titleFont": FONT_STACK}, text={"font": FONT_STACK},
        view={"strokeWidth": 0})


def spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, data inline, without Altair's default theme (its fallback view
    size), as Streamlit's own conversion leaves it: built once and then drawn with st.vega_lite_chart
    on every rerun, the page skips Altair's build. Not validated here (Altair's JSON-schema pass is
    most of the cost of a spec); the builders' specs are validated by the tests (`validate_spec`)."""
    d = chart.to_dict(validate=False)
    view = d.get("config", {}).get("view", {})
    for k, v in (alt.theme.get() or dict)().get("config", {}).get("view", {}).items():
        if view.get(k) == v:
            view.pop(k)
    return d


def validate_spec(d: dict) -> None:
    """Raise when `d` is not a valid Vega-Lite spec (Altair's own schema check)."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import load_schema

    validate_jsonschema(d, load_schema())


def register_fonts() -> None:
    """Tell vl-convert where the CJK fonts are (once per process)."""
    global _fonts_registered
    if _fonts_registered:
        return
    import vl_convert as vlc

    with _fonts_lock:
        if not _fonts_registered:
            for d in FONT_DIRS:
                if Path(d).is_dir():
                    vlc.register_font_directory(d)
            _fonts_registered = True


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0, width: int = 760, stamp: str | None = None) -> bytes:
    """The chart as PNG bytes, rendered server-side with the CJK font registered. In the page a chart
    stretches to its column; a file needs a fixed width. `stamp` (date and filters) goes under the title,
    so a picture pasted into a report still says what it shows."""
    import vl_convert as vlc

    register_fonts()
    spec = chart.to_dict()
    if "width" not in spec:
        spec["width"] = width
    if stamp:
        title = spec.get("title")
        title = dict(title) if isinstance(title, dict) else {"text": title or ""}
        spec["title"] = title | {"subtitle": stamp, "subtitleFont": FONT_STACK, "subtitleColor": "#555"}
    return vlc.vegalite_to_png(spec, scale=scale)


# ---------------------------------------------------------------- the coverage page's charts
# Each builder takes the tidy frame that services.coverage.view produces and returns a styled chart
# in `lang` (titles, axes, legends and the enumerated values in the data).

def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def coverage_by_college(df: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """Stacked bar per college: covered / uncovered classes, priority classes in their own (darker) segment.
    df: college, bucket (label), bucket_order, classes."""
    order = [t.label(lang) for t in V.COVERAGE_STATES.values()]
    colors = ["#1b5e20", "#66bb6a", "#b71c1c", "#ef9a9a"]
    df = df.assign(bucket=df["bucket"].map(lambda b: V.relabel(V.COVERAGE_STATES, b, lang)))
    height = max(160, 26 * df["college"].nunique()) + 110   # axis and the two-row legend sit inside the height
    n_classes = _t(lang, "班级数", "Classes")
    base = alt.Chart(df).mark_bar().encode(
        y=alt.Y("college:N", title=None, sort="-x"),
        x=alt.X("classes:Q", title=n_classes, stack="zero"),
        color=alt.Color("bucket:N", title=_t(lang, "覆盖情况", "Coverage"), scale=alt.Scale(domain=order, range=colors),
                        legend=alt.Legend(orient="bottom", columns=2)),   # four long labels: two rows fit a half-width chart
        order=alt.Order("bucket_order:Q"),
        tooltip=[alt.Tooltip("college:N", title=_t(lang, "学院", "College")),
                 alt.Tooltip("bucket:N", title=_t(lang, "类别", "Group")), alt.Tooltip("classes:Q", title=n_classes)],
    ).properties(height=height)
    return style(base, _t(lang, "各学院班级覆盖（深色为重点关注班级）", "Class coverage by college (dark: priority classes)"))


def heatmap(df: pd.DataFrame, row: str, col: str, row_title: str, col_title: str, title: str,
            col_sort: list[str] | None = None, row_sort: list[str] | None = None,
            lang: str = "zh") -> alt.TopLevelMixin:
    """Rate heatmap (0..1), e.g. college × week or cadre × rule. df: row, col, rate, met, counted and
    optionally state ("pending": the period is not over, drawn in its own colour with its own legend
    entry, never on the red–green scale). Titles come translated from the caller; a missing cell
    (white) means nothing to assess there."""
    n_rows = max(df[row].nunique(), 1)
    # Streamlit sizes charts with autosize "fit" (axes inside the height): add room for the rotated labels
    longest = max((len(str(v)) for v in df[col].unique()), default=4)
    rate = _t(lang, "达标率", "Rate met")
    pending = V.label(V.COMPLIANCE_STATUSES, "pending", lang)
    state = df["state"] if "state" in df else pd.Series("", index=df.index)
    df = df.assign(state=state.map(lambda s: pending if s == "pending" else ""))
    df = df.drop(columns=[c for c in ("start", "cadre_id") if c in df])   # not drawn: not sent to the browser
    base = alt.Chart(df).encode(
        x=alt.X(f"{col}:N", title=col_title, sort=col_sort, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y(f"{row}:N", title=row_title, sort=row_sort),
        tooltip=[alt.Tooltip(f"{row}:N", title=row_title), alt.Tooltip(f"{col}:N", title=col_title),
                 alt.Tooltip("rate:Q", title=rate, format=".0%"), alt.Tooltip("met:Q", title=_t(lang, "达标", "Met")),
                 alt.Tooltip("counted:Q", title=_t(lang, "应考核", "Assessed"))])
    rated = base.mark_rect().encode(
        color=alt.Color("rate:Q", title=rate, scale=RATE_SCALE, legend=alt.Legend(format=".0%")))
    if not (df["state"] == pending).any():
        chart = rated
    else:
        going = base.mark_rect().encode(
            color=alt.Color("state:N", title=_t(lang, "周期未结束", "Period not over"),
                            scale=alt.Scale(domain=[pending], range=[IN_PROGRESS_COLOR])),
        ).transform_filter(alt.datum.state == pending)
        chart = alt.layer(rated.transform_filter(alt.datum.state != pending), going).resolve_scale(color="independent")
    return style(chart.properties(height=min(max(20 * n_rows, 40), 1000) + 60 + 11 * min(longest, 16)), title)


def weekly_trend(df: pd.DataFrame, target: float, rule_name: str, lang: str = "zh") -> alt.TopLevelMixin:
    """Mean activities per in-scope cadre each teaching week, against the rule's threshold (dashed).
    df: period, n (order), mean_done, rate."""
    week, mean = _t(lang, "教学周", "Teaching week"), _t(lang, "人均次数", "Mean per cadre")
    df = df[["period", "mean_done", "rate"]]      # only what is drawn goes to the browser
    x = alt.X("period:N", title=week, sort=list(df["period"]), axis=alt.Axis(labelAngle=-45))
    line = alt.Chart(df).mark_line(point=True, color="#1565c0").encode(
        x=x, y=alt.Y("mean_done:Q", title=mean),
        tooltip=[alt.Tooltip("period:N", title=week), alt.Tooltip("mean_done:Q", title=mean, format=".2f"),
                 alt.Tooltip("rate:Q", title=_t(lang, "达标率", "Rate met"), format=".0%")])
    need = _t(lang, f"要求：每人每周≥{target:g}次", f"Required: ≥ {target:g} per cadre a week")
    rule = alt.Chart(pd.DataFrame({"target": [target], "label": [need]})).mark_rule(
        color="#c62828", strokeDash=[6, 4], size=2).encode(
        y="target:Q", tooltip=alt.Tooltip("label:N", title=_t(lang, "目标", "Target")))
    goal = _t(lang, f"目标 {target:g}", f"Target {target:g}")
    text = alt.Chart(pd.DataFrame({"target": [target], "label": [goal]})).mark_text(
        align="left", dx=4, dy=-8, color="#c62828").encode(y="target:Q", x=alt.value(0), text="label:N")
    title = _t(lang, f"{rule_name}：每周趋势与目标线", f"{rule_name}: weekly trend against the target")
    return style(alt.layer(line, rule, text).properties(height=280), title)


def venue_coverage(df: pd.DataFrame, n_cadres: int, lang: str = "zh") -> alt.TopLevelMixin:
    """Share of cadres who reached each 九进 venue this academic year. df: venue, cadres, share."""
    df = df.assign(venue=df["venue"].map(lambda v: V.relabel(V.VENUES, v, lang)))
    venue = _t(lang, "场所", "Venue")
    bars = alt.Chart(df).mark_bar(color="#6a1b9a").encode(
        x=alt.X("venue:N", title=venue, sort=list(df["venue"]), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title=_t(lang, "已到达干部占比", "Share of cadres reached"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("venue:N", title=venue), alt.Tooltip("cadres:Q", title=_t(lang, "干部数", "Cadres")),
                 alt.Tooltip("share:Q", title=_t(lang, "占比", "Share"), format=".0%")])
    labels = bars.mark_text(dy=-6, color="#333").encode(text=alt.Text("share:Q", format=".0%"))
    title = _t(lang, f"九进场所覆盖（{n_cadres}位干部，本学年）",
               f"Nine venues reached ({n_cadres} cadres, this school year)")
    return style(alt.layer(bars, labels).properties(height=260), title)


def preference_satisfaction(df: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """Pairs of the assignment in force by the preference they satisfy. df: label, order, pairs, share."""
    df = df[["label", "pairs", "share"]].assign(label=df["label"].map(lambda b: V.relabel(V.WISH_BUCKETS, b, lang)))
    pairs = _t(lang, "配对数", "Pairs")
    bars = alt.Chart(df).mark_bar(color="#00838f").encode(
        x=alt.X("label:N", title=_t(lang, "满足的意向", "Wish met"), sort=list(df["label"]), axis=alt.Axis(labelAngle=0 if lang == "zh" else -30)),   # English labels are long
        y=alt.Y("pairs:Q", title=pairs),
        tooltip=[alt.Tooltip("label:N", title=_t(lang, "意向", "Wish")), alt.Tooltip("pairs:Q", title=pairs),
                 alt.Tooltip("share:Q", title=_t(lang, "占比", "Share"), format=".0%")])
    labels = bars.mark_text(dy=-6, color="#333").encode(text=alt.Text("share:Q", format=".0%"))
    title = _t(lang, "现行分配的意向满足情况", "Wishes met by the assignment in force")
    return style(alt.layer(bars, labels).properties(height=260), title)
