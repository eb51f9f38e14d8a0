//! Drawing the map on its canvas: the cells in a colour-blind-safe sequential scale (viridis:
//! bright where the network held, dark where it collapsed), the axes, the current run (a ring),
//! the December 2010 setting (a cross) and the cell under the pointer. The geometry is plain
//! maths so hit-testing and drawing agree, and it is tested natively.

use overlay_sim::sweep::{Axis, Cell};
use web_sys::CanvasRenderingContext2d;

use super::link::Outcome;
use super::words;
use crate::view::colors as c;

/// Viridis from dark to bright: collapsed → held. The legend's gradient uses the same stops.
pub const STOPS: [[u8; 3]; 5] = [[0x44, 0x01, 0x54], [0x3b, 0x52, 0x8b], [0x21, 0x91, 0x8c], [0x5e, 0xc9, 0x62], [0xfd, 0xe7, 0x25]];

/// The colour for health `t` (0 = every user lost, 1 = nobody lost).
pub fn shade(t: f64) -> [u8; 3] {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let f = t * (STOPS.len() - 1) as f64;
    let i = (f.floor() as usize).min(STOPS.len() - 2);
    let k = f - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    [0, 1, 2].map(|j| (f64::from(a[j]) + (f64::from(b[j]) - f64::from(a[j])) * k).round() as u8)
}

/// The top of the "lost" colour scale: the worst cell so far, but at least 5% of the users'
/// hours a run would have with everybody online (so noise on a map that holds stays bright).
pub fn lost_top(cells: &[Option<Cell>], expected_hours: f64) -> f64 {
    cells.iter().flatten().map(|c| c.user_hours_lost).fold(0.05 * expected_hours, f64::max)
}

/// The cell a missing one borrows its colour from while the map fills in: the coarse-grid cell
/// (even column, even row) at or just below-left of it, which the model computes first.
pub fn stand_in(i: usize, nx: usize) -> usize {
    let (col, row) = (i % nx, i / nx);
    (row - row % 2) * nx + col - col % 2
}

/// How healthy a cell is on the chosen outcome, 0 (worst) to 1 (nothing lost). `top` is the
/// users' hours lost drawn darkest ([`lost_top`]).
pub fn health(cell: &Cell, outcome: Outcome, top: f64) -> f64 {
    match outcome {
        Outcome::Lost if top > 0.0 => 1.0 - cell.user_hours_lost / top,
        Outcome::Lost => 1.0,
        Outcome::Trough => cell.trough,
    }
}

/// The CSS gradient of the legend, worst on the `worst_left` side.
pub fn gradient_css(worst_left: bool) -> String {
    let mut stops: Vec<String> = STOPS.iter().map(|s| format!("rgb({},{},{})", s[0], s[1], s[2])).collect();
    if !worst_left {
        stops.reverse();
    }
    format!("linear-gradient(to right, {})", stops.join(", "))
}

/// Where the plot sits on the canvas (device pixels) and how it is divided.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub nx: usize,
    pub ny: usize,
    pub dpr: f64,
}

impl Layout {
    /// The plot inside a `w`×`h` canvas, leaving room for the axis labels.
    pub fn new(w: f64, h: f64, dpr: f64, nx: usize, ny: usize) -> Layout {
        let (left, right, top, bottom) = (62.0 * dpr, 10.0 * dpr, 10.0 * dpr, 40.0 * dpr);
        Layout { left, top, width: (w - left - right).max(1.0), height: (h - top - bottom).max(1.0), nx: nx.max(1), ny: ny.max(1), dpr }
    }
    fn cw(&self) -> f64 {
        self.width / self.nx as f64
    }
    fn ch(&self) -> f64 {
        self.height / self.ny as f64
    }
    /// The cell (index in row order, y outer, the first row at the bottom) under a point.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let col = ((x - self.left) / self.cw()).floor();
        let row_from_top = ((y - self.top) / self.ch()).floor();
        if col < 0.0 || row_from_top < 0.0 || col >= self.nx as f64 || row_from_top >= self.ny as f64 {
            return None;
        }
        let row = self.ny - 1 - row_from_top as usize;
        Some(row * self.nx + col as usize)
    }
    /// A cell's rectangle: x, y, width, height.
    pub fn cell_rect(&self, i: usize) -> (f64, f64, f64, f64) {
        let (col, row) = (i % self.nx, i / self.nx);
        let (cw, ch) = (self.cw(), self.ch());
        (self.left + col as f64 * cw, self.top + (self.ny - 1 - row) as f64 * ch, cw, ch)
    }
    /// The point of a parameter pair on the plot: value positions from `Axis::position`
    /// (0 at the first cell's centre, 1 at the last's), kept inside the plot.
    pub fn point(&self, px: f64, py: f64) -> (f64, f64) {
        let along = |p: f64, n: usize, len: f64| {
            let cells = if n > 1 { p * (n - 1) as f64 + 0.5 } else { 0.5 };
            (cells * len / n as f64).clamp(0.0, len)
        };
        (self.left + along(px, self.nx, self.width), self.top + self.height - along(py, self.ny, self.height))
    }
}

/// Everything a frame of the map shows.
pub struct Picture<'a> {
    pub x: &'a Axis,
    pub y: &'a Axis,
    /// By index, None until computed.
    pub cells: &'a [Option<Cell>],
    /// Users' hours lost drawn darkest ([`lost_top`]).
    pub lost_top: f64,
    pub outcome: Outcome,
    /// The current run's and the December 2010 setting's positions along the axes.
    pub current: Option<(f64, f64)>,
    pub dec_2010: Option<(f64, f64)>,
    pub hover: Option<usize>,
}

/// Draws the map.
pub fn draw(ctx: &CanvasRenderingContext2d, w: f64, h: f64, l: &Layout, p: &Picture) {
    let dpr = l.dpr;
    ctx.set_fill_style_str(c::BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    // Computed cells in their colour; the others faintly in their coarse neighbour's, or blank.
    for i in 0..l.nx * l.ny {
        let (x, y, cw, ch) = l.cell_rect(i);
        let at = |k: usize| p.cells.get(k).copied().flatten();
        match (at(i), at(stand_in(i, l.nx))) {
            (Some(cell), _) => {
                let [r, g, b] = shade(health(&cell, p.outcome, p.lost_top));
                ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
            }
            (None, Some(near)) => {
                let [r, g, b] = shade(health(&near, p.outcome, p.lost_top));
                ctx.set_fill_style_str(&format!("rgba({r},{g},{b},0.35)"));
            }
            (None, None) => ctx.set_fill_style_str("rgba(154,163,181,0.10)"),
        }
        // A hairline gap between cells (half a pixel each side).
        ctx.fill_rect(x + 0.5 * dpr, y + 0.5 * dpr, (cw - dpr).max(1.0), (ch - dpr).max(1.0));
    }
    axes(ctx, l, p);
    if let Some((px, py)) = p.dec_2010 {
        let (x, y) = l.point(px, py);
        let r = 7.0 * dpr;
        for (width, colour) in [(4.5 * dpr, c::BACKGROUND), (2.0 * dpr, c::HIGHLIGHT)] {
            ctx.begin_path();
            ctx.move_to(x - r, y - r);
            ctx.line_to(x + r, y + r);
            ctx.move_to(x - r, y + r);
            ctx.line_to(x + r, y - r);
            ctx.set_line_width(width);
            ctx.set_stroke_style_str(colour);
            ctx.stroke();
        }
    }
    if let Some((px, py)) = p.current {
        let (x, y) = l.point(px, py);
        for (width, colour) in [(4.5 * dpr, c::BACKGROUND), (2.0 * dpr, c::MEGA)] {
            ctx.begin_path();
            let _ = ctx.arc(x, y, 11.0 * dpr, 0.0, std::f64::consts::TAU);
            ctx.set_line_width(width);
            ctx.set_stroke_style_str(colour);
            ctx.stroke();
        }
    }
    if let Some(i) = p.hover.filter(|&i| i < l.nx * l.ny) {
        let (x, y, cw, ch) = l.cell_rect(i);
        ctx.set_line_width(2.0 * dpr);
        ctx.set_stroke_style_str(c::TEXT);
        ctx.stroke_rect(x + dpr, y + dpr, cw - 2.0 * dpr, ch - 2.0 * dpr);
    }
}

/// Tick labels at the first, middle and last values, and each axis's name.
fn axes(ctx: &CanvasRenderingContext2d, l: &Layout, p: &Picture) {
    let dpr = l.dpr;
    ctx.set_fill_style_str(c::MUTED);
    ctx.set_font(&format!("{}px system-ui, sans-serif", (11.0 * dpr).round()));
    let (xs, ys) = (p.x.values(), p.y.values());
    let picks = |n: usize| -> Vec<usize> {
        let mut v = vec![0, n / 2, n.saturating_sub(1)];
        v.dedup();
        v
    };
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    for i in picks(xs.len()) {
        let (x, _) = l.point(p.x.position(xs[i]), 0.0);
        let _ = ctx.fill_text(&words::value(&p.x.param, xs[i]), x, l.top + l.height + 4.0 * dpr);
    }
    let _ = ctx.fill_text(&format!("{} →", words::label(&p.x.param)), l.left + l.width / 2.0, l.top + l.height + 20.0 * dpr);
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    for i in picks(ys.len()) {
        let (_, y) = l.point(0.0, p.y.position(ys[i]));
        let _ = ctx.fill_text(&words::value(&p.y.param, ys[i]), l.left - 6.0 * dpr, y);
    }
    ctx.save();
    let _ = ctx.translate(14.0 * dpr, l.top + l.height / 2.0);
    let _ = ctx.rotate(-std::f64::consts::FRAC_PI_2);
    ctx.set_text_align("center");
    let _ = ctx.fill_text(&format!("{} →", words::label(&p.y.param)), 0.0, 0.0);
    ctx.restore();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_inside_a_cell_hits_that_cell_and_rows_count_from_the_bottom() {
        let l = Layout::new(700.0, 500.0, 1.0, 13, 13);
        for i in [0, 12, 13, 84, 168] {
            let (x, y, cw, ch) = l.cell_rect(i);
            assert_eq!(l.cell_at(x + cw / 2.0, y + ch / 2.0), Some(i), "cell {i}");
        }
        // Row 0 (the first y value) is the bottom row.
        let (_, y0, _, _) = l.cell_rect(0);
        let (_, y12, _, _) = l.cell_rect(13 * 12);
        assert!(y0 > y12);
        assert_eq!(l.cell_at(1.0, 1.0), None, "the axis margin is not a cell");
        assert_eq!(l.cell_at(699.0, 250.0), None);
    }

    #[test]
    fn a_value_on_the_grid_lands_on_its_cell_centre() {
        let l = Layout::new(700.0, 500.0, 2.0, 13, 5);
        let (x, y) = l.point(0.5, 0.25); // column 6, row 1
        let (cx, cy, cw, ch) = l.cell_rect(13 + 6);
        assert!((x - (cx + cw / 2.0)).abs() < 1e-9 && (y - (cy + ch / 2.0)).abs() < 1e-9);
        // Off the map: kept at the edge.
        let (x, _) = l.point(3.0, 0.0);
        assert!(x <= l.left + l.width);
    }

    #[test]
    fn the_scale_runs_from_dark_to_bright_and_survives_nonsense() {
        assert_eq!(shade(0.0), STOPS[0]);
        assert_eq!(shade(1.0), STOPS[4]);
        assert_eq!(shade(f64::NAN), STOPS[0]);
        let lum = |c: [u8; 3]| 0.2126 * f64::from(c[0]) + 0.7152 * f64::from(c[1]) + 0.0722 * f64::from(c[2]);
        let l: Vec<f64> = (0..=10).map(|k| lum(shade(f64::from(k) / 10.0))).collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "brightness rises with health: {l:?}");
    }

    #[test]
    fn health_is_the_share_kept() {
        let cell = Cell { x: 0.0, y: 0.0, user_hours_lost: 250.0, trough: 0.4, minutes_to_90pct: None };
        assert_eq!(health(&cell, Outcome::Lost, 1000.0), 0.75);
        assert_eq!(health(&cell, Outcome::Trough, 1000.0), 0.4);
        // The darkest colour goes to the worst cell, or to 5% of all hours on a map that holds.
        assert_eq!(lost_top(&[Some(cell), None], 1000.0), 250.0);
        assert_eq!(lost_top(&[Some(cell)], 10_000.0), 500.0);
    }

    #[test]
    fn a_missing_cell_borrows_from_the_coarse_grid() {
        // 5 columns: cell 13 (column 3, row 2) borrows from column 2 of row 2; cell 8 (row 1) from row 0.
        assert_eq!(stand_in(13, 5), 12);
        assert_eq!(stand_in(8, 5), 2);
        assert_eq!(stand_in(12, 5), 12);
    }
}
