//! Server-side SVG charts (no script library): horizontal bars, stacked bars, a heat map and
//! band charts. Every chart scales with its `viewBox`, so it fits 390 px as well as 1280 px;
//! every shape carries a `<title>` with its exact figure (shown on hover, read by screen
//! readers), and the figures are also in a table beneath the chart on the page.

use maud::{Markup, html};

/// Width of every chart's coordinate system.
const W: f64 = 640.0;

fn r1(x: f64) -> String {
    format!("{:.1}", if x.is_finite() { x } else { 0.0 })
}

/// One horizontal bar: its label, its value (sets the length), the text written after it and
/// the hover text.
pub struct HBar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub title: String,
}

/// Horizontal bars, the longest at full width.
pub fn hbars(id: &str, label: &str, bars: &[HBar]) -> Markup {
    let row = 26.0;
    let left = 190.0;
    let right = 150.0;
    let h = row * bars.len().max(1) as f64 + 8.0;
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(0.0_f64, |a, b| if b.is_finite() { a.max(b) } else { a });
    let span = W - left - right;
    html! {
        svg.chart id=(id) viewBox=(format!("0 0 {W} {}", r1(h))) role="img" aria-label=(label) {
            title { (label) }
            @for (i, b) in bars.iter().enumerate() {
                @let y = 4.0 + row * i as f64;
                @let w = if max > 0.0 { (b.value.max(0.0) / max) * span } else { 0.0 };
                g {
                    title { (b.title) }
                    text x=(r1(left - 6.0)) y=(r1(y + 16.0)) text-anchor="end" { (b.label) }
                    rect.track x=(r1(left)) y=(r1(y + 3.0)) width=(r1(span)) height="18" {}
                    rect.fill x=(r1(left)) y=(r1(y + 3.0)) width=(r1(w)) height="18" {}
                    text x=(r1(left + w + 6.0)) y=(r1(y + 16.0)) { (b.text) }
                }
            }
        }
    }
}

/// One stacked bar: a label and its parts (value, class of the part, hover text).
pub struct Stack {
    pub label: String,
    pub parts: Vec<(f64, &'static str, String)>,
    pub text: String,
}

/// Stacked horizontal bars on one scale, with a legend (class, label).
pub fn stacked(id: &str, label: &str, bars: &[Stack], legend: &[(&'static str, String)]) -> Markup {
    let row = 26.0;
    let left = 190.0;
    let right = 150.0;
    let top = 26.0;
    let h = top + row * bars.len().max(1) as f64 + 8.0;
    let max = bars
        .iter()
        .map(|b| b.parts.iter().map(|p| p.0.max(0.0)).sum::<f64>())
        .fold(0.0_f64, f64::max);
    let span = W - left - right;
    let lw = W / legend.len().max(1) as f64;
    html! {
        svg.chart id=(id) viewBox=(format!("0 0 {W} {}", r1(h))) role="img" aria-label=(label) {
            title { (label) }
            @for (i, (class, name)) in legend.iter().enumerate() {
                rect class=(class) x=(r1(lw * i as f64)) y="4" width="12" height="12" {}
                text x=(r1(lw * i as f64 + 16.0)) y="14" { (name) }
            }
            @for (i, b) in bars.iter().enumerate() {
                @let y = top + row * i as f64;
                g {
                    title { (b.label) ": " (b.text) }
                    text x=(r1(left - 6.0)) y=(r1(y + 16.0)) text-anchor="end" { (b.label) }
                    @let widths: Vec<f64> = b.parts.iter().map(|p| if max > 0.0 { p.0.max(0.0) / max * span } else { 0.0 }).collect();
                    @let starts: Vec<f64> = widths.iter().scan(left, |x, w| { let s = *x; *x += w; Some(s) }).collect();
                    @for ((p, w), x) in b.parts.iter().zip(&widths).zip(&starts) {
                        rect class=(p.1) x=(r1(*x)) y=(r1(y + 3.0)) width=(r1(*w)) height="18" { title { (p.2) } }
                    }
                    text x=(r1(left + widths.iter().sum::<f64>() + 6.0)) y=(r1(y + 16.0)) { (b.text) }
                }
            }
        }
    }
}

/// One cell of a heat map: the share sets the colour (none: grey), the text is written in the
/// cell and the title shown on hover.
pub struct HeatCell {
    pub share: Option<f64>,
    pub text: String,
    pub title: String,
}

/// A heat map: rows × columns, red (low) through yellow to green (high).
pub fn heat(
    id: &str,
    label: &str,
    rows: &[String],
    cols: &[String],
    cells: &[Vec<HeatCell>],
) -> Markup {
    let left = 170.0;
    let top = 40.0;
    let cw = ((W - left) / cols.len().max(1) as f64).min(150.0);
    let ch = 34.0;
    let h = top + ch * rows.len().max(1) as f64 + 4.0;
    let width = left + cw * cols.len() as f64 + 4.0;
    html! {
        svg.chart.heat id=(id) viewBox=(format!("0 0 {} {}", r1(width.max(W)), r1(h))) role="img" aria-label=(label) {
            title { (label) }
            @for (j, c) in cols.iter().enumerate() {
                text x=(r1(left + cw * j as f64 + cw / 2.0)) y=(r1(top - 10.0)) text-anchor="middle" { (short(c, cw)) title { (c) } }
            }
            @for (i, r) in rows.iter().enumerate() {
                @let y = top + ch * i as f64;
                text x=(r1(left - 6.0)) y=(r1(y + ch / 2.0 + 4.0)) text-anchor="end" { (short(r, left)) title { (r) } }
                @for (j, cell) in cells.get(i).map(|v| v.as_slice()).unwrap_or(&[]).iter().enumerate() {
                    g {
                        title { (cell.title) }
                        rect x=(r1(left + cw * j as f64 + 1.0)) y=(r1(y + 1.0)) width=(r1(cw - 2.0)) height=(r1(ch - 2.0))
                            fill=(colour(cell.share)) {}
                        text x=(r1(left + cw * j as f64 + cw / 2.0)) y=(r1(y + ch / 2.0 + 4.0)) text-anchor="middle" { (cell.text) }
                    }
                }
            }
        }
    }
}

/// A name cut to fit `width` units (about 6.5 units a letter).
fn short(s: &str, width: f64) -> String {
    let n = ((width - 8.0) / 6.5).max(4.0) as usize;
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Red → yellow → green by share; grey when unknown.
pub fn colour(share: Option<f64>) -> String {
    match share {
        Some(s) if s.is_finite() => {
            let hue = (s.clamp(0.0, 1.0) * 120.0).round();
            format!("hsl({hue}, 65%, 78%)")
        }
        _ => "#eceff3".into(),
    }
}

/// One series of a band chart: its label and, per x (1, 2, …), (p10, median, p90).
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64, f64)>,
}

/// Median lines with their 80 % band, one colour per series, the zero line when the range
/// crosses it; `fmt` writes the axis and hover figures.
pub fn bands(id: &str, label: &str, series: &[Series], fmt: &dyn Fn(f64) -> String) -> Markup {
    let (left, right, top, bottom) = (90.0, 10.0, 28.0, 24.0);
    let h = 230.0;
    let n = series
        .iter()
        .map(|s| s.points.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for s in series {
        for &(a, m, b) in &s.points {
            for v in [a, m, b] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi - lo).abs() < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let px = |i: usize| {
        if n == 1 {
            left + (W - left - right) / 2.0
        } else {
            left + (W - left - right) * i as f64 / (n - 1) as f64
        }
    };
    let py = |v: f64| top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let ticks = [hi - pad, (hi + lo) / 2.0, lo + pad];
    let lw = W / series.len().max(1) as f64;
    html! {
        svg.chart.bands id=(id) viewBox=(format!("0 0 {W} {h}")) role="img" aria-label=(label) {
            title { (label) }
            @for (k, s) in series.iter().enumerate() {
                rect class=(format!("s{}", k % 5)) x=(r1(lw * k as f64)) y="4" width="12" height="12" {}
                text x=(r1(lw * k as f64 + 16.0)) y="14" { (short(&s.label, lw - 20.0)) title { (s.label) } }
            }
            @for t in ticks {
                line.grid x1=(r1(left)) x2=(r1(W - right)) y1=(r1(py(t))) y2=(r1(py(t))) {}
                text x=(r1(left - 4.0)) y=(r1(py(t) + 4.0)) text-anchor="end" { (fmt(t)) }
            }
            @if lo < 0.0 && hi > 0.0 {
                line.zero x1=(r1(left)) x2=(r1(W - right)) y1=(r1(py(0.0))) y2=(r1(py(0.0))) {}
            }
            @for i in 0..n {
                @if n <= 12 || i % 3 == 0 {
                    text x=(r1(px(i))) y=(r1(h - 6.0)) text-anchor="middle" { (i + 1) }
                }
            }
            @for (k, s) in series.iter().enumerate() {
                @let class = format!("s{}", k % 5);
                @let upper: Vec<String> = s.points.iter().enumerate().map(|(i, p)| format!("{},{}", r1(px(i)), r1(py(p.2)))).collect();
                @let lower: Vec<String> = s.points.iter().enumerate().rev().map(|(i, p)| format!("{},{}", r1(px(i)), r1(py(p.0)))).collect();
                @let mid: Vec<String> = s.points.iter().enumerate().map(|(i, p)| format!("{},{}", r1(px(i)), r1(py(p.1)))).collect();
                g class=(class) {
                    polygon.band points=(format!("{} {}", upper.join(" "), lower.join(" "))) {}
                    polyline.median points=(mid.join(" ")) {}
                    @for (i, p) in s.points.iter().enumerate() {
                        circle cx=(r1(px(i))) cy=(r1(py(p.1))) r="3" {
                            title { (s.label) ", " (i + 1) ": " (fmt(p.1)) " (" (fmt(p.0)) " … " (fmt(p.2)) ")" }
                        }
                    }
                }
            }
        }
    }
}

/// A range bar for one figure per series (median with its 80 % band), when there is no time
/// axis: one row per series.
pub fn ranges(id: &str, label: &str, series: &[Series], fmt: &dyn Fn(f64) -> String) -> Markup {
    let (left, right) = (190.0, 20.0);
    let row = 30.0;
    let top = 8.0;
    let h = top + row * series.len().max(1) as f64 + 22.0;
    let mut lo = 0.0_f64;
    let mut hi = 0.0_f64;
    for s in series {
        for &(a, _, b) in &s.points {
            if a.is_finite() {
                lo = lo.min(a);
            }
            if b.is_finite() {
                hi = hi.max(b);
            }
        }
    }
    if (hi - lo).abs() < 1e-9 {
        hi = lo + 1.0;
    }
    let px = |v: f64| left + (W - left - right) * (v - lo) / (hi - lo);
    html! {
        svg.chart.ranges id=(id) viewBox=(format!("0 0 {W} {}", r1(h))) role="img" aria-label=(label) {
            title { (label) }
            line.zero x1=(r1(px(0.0))) x2=(r1(px(0.0))) y1=(r1(top)) y2=(r1(h - 20.0)) {}
            text x=(r1(left)) y=(r1(h - 6.0)) { (fmt(lo)) }
            text x=(r1(W - right)) y=(r1(h - 6.0)) text-anchor="end" { (fmt(hi)) }
            @for (k, s) in series.iter().enumerate() {
                @let y = top + row * k as f64;
                @if let Some(&(a, m, b)) = s.points.first() {
                    g class=(format!("s{}", k % 5)) {
                        title { (s.label) ": " (fmt(m)) " (" (fmt(a)) " … " (fmt(b)) ")" }
                        text x=(r1(left - 6.0)) y=(r1(y + 18.0)) text-anchor="end" { (short(&s.label, left)) }
                        rect.band x=(r1(px(a))) y=(r1(y + 6.0)) width=(r1((px(b) - px(a)).max(1.0))) height="16" {}
                        line.median x1=(r1(px(m))) x2=(r1(px(m))) y1=(r1(y + 2.0)) y2=(r1(y + 26.0)) {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_and_carry_their_figures() {
        let svg = hbars(
            "x",
            "t",
            &[
                HBar {
                    label: "a".into(),
                    value: 10.0,
                    text: "10".into(),
                    title: "ten".into(),
                },
                HBar {
                    label: "b".into(),
                    value: 5.0,
                    text: "5".into(),
                    title: "five".into(),
                },
            ],
        )
        .into_string();
        assert!(svg.contains(r#"width="300.0" height="18""#), "{svg}");
        assert!(svg.contains(r#"width="150.0" height="18""#), "{svg}");
        assert!(svg.contains("<title>five</title>"));
        assert_eq!(colour(Some(1.0)), "hsl(120, 65%, 78%)");
        assert_eq!(colour(None), "#eceff3");
    }
}
