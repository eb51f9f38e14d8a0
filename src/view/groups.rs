//! The cache groups on the map: each neighbourhood a tinted ellipse outlined by its state, so
//! the storm is seen spreading from group to group and coming back. Labelled by name and state
//! where a label fits; when zoomed out too far for that (the real scale's 240 groups), each
//! world region says how many of its groups are down.

use std::f64::consts::TAU;

use overlay_sim::group::REGIONS;
use overlay_sim::{Group, GroupState, Snapshot};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::camera::View;
use super::colors;

/// Groups are labelled one by one when their ellipses are at least this wide on screen (CSS
/// pixels) and no more than this many are on screen; else the regions are.
const LABEL_MIN_CSS: f64 = 26.0;
const GROUP_LABELS_MAX: usize = 30;

/// A state in a word, for the map, the inspector and the story.
pub fn state_word(s: GroupState) -> &'static str {
    match s {
        GroupState::Healthy => "healthy",
        GroupState::Storm => "storm",
        GroupState::Down => "down",
        GroupState::Recovering => "recovering",
    }
}

/// Outline colour, fill alpha and dash pattern (in CSS pixels; empty = solid) by state.
/// The dash tells the states apart without colour: solid healthy, long dashes in a storm,
/// short dashes down, dots recovering.
fn style(s: GroupState) -> (&'static str, f64, &'static [f64]) {
    match s {
        GroupState::Healthy => (colors::GROUP_HEALTHY, 0.0, &[]),
        GroupState::Storm => (colors::GROUP_STORM, 0.10, &[7.0, 4.0]),
        GroupState::Down => (colors::OVERLOAD, 0.20, &[3.0, 3.0]),
        GroupState::Recovering => (colors::RECOVER, 0.12, &[1.0, 3.0]),
    }
}

const STATES: [GroupState; 4] = [GroupState::Healthy, GroupState::Storm, GroupState::Down, GroupState::Recovering];

fn ellipse(ctx: &CanvasRenderingContext2d, v: &View, g: &Group) {
    let (x, y) = v.to_screen(g.x, g.y);
    let (rx, ry) = (f64::from(g.r) * v.sx, f64::from(g.r) * v.sy);
    ctx.move_to(x + rx, y);
    let _ = ctx.ellipse(x, y, rx, ry, 0.0, 0.0, TAU);
}

fn on_screen(v: &View, g: &Group) -> bool {
    let (x, y) = v.to_screen(g.x, g.y);
    v.visible(x, y, f64::from(g.r) * v.sx.max(v.sy))
}

/// The group areas drawn once into a layer of their own and re-drawn only when a group
/// changes state (or the run, the camera or the size change). Dashed, translucent ellipses
/// for 240 groups cost a software renderer ~4 ms a time (~15 ms on a phone-class CPU), while
/// in most minutes no group changes state.
pub struct AreaLayer {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// What the layer holds now (None: nothing yet).
    shown: Option<Shown>,
}

/// Everything the layer's picture depends on, compared exactly.
#[derive(Default)]
struct Shown {
    /// The run's revision and the camera's version.
    scene: (u64, u64),
    size: (u32, u32),
    dpr: u64,
    states: Vec<GroupState>,
}

impl AreaLayer {
    pub fn new() -> Option<AreaLayer> {
        let doc = web_sys::window()?.document()?;
        let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        let ctx = super::draw::context_2d(&canvas)?;
        Some(AreaLayer { canvas, ctx, shown: None })
    }

    /// Draws the areas onto `onto`, from the layer when nothing they show has changed.
    /// `scene`: the run's revision and the camera's version.
    pub fn draw(&mut self, onto: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, dpr: f64, scene: (u64, u64)) {
        let size = (v.w.max(1.0) as u32, v.h.max(1.0) as u32);
        let same = self.shown.as_ref().is_some_and(|s| {
            s.scene == scene && s.size == size && s.dpr == dpr.to_bits() && s.states.iter().copied().eq(snap.groups.iter().map(|g| g.state))
        });
        if !same {
            if (self.canvas.width(), self.canvas.height()) != size {
                self.canvas.set_width(size.0);
                self.canvas.set_height(size.1);
            } else {
                self.ctx.clear_rect(0.0, 0.0, v.w, v.h);
            }
            draw_areas(&self.ctx, v, snap, dpr);
            let s = self.shown.get_or_insert_with(Shown::default);
            (s.scene, s.size, s.dpr) = (scene, size, dpr.to_bits());
            s.states.clear();
            s.states.extend(snap.groups.iter().map(|g| g.state));
        }
        let _ = onto.draw_image_with_html_canvas_element(&self.canvas, 0.0, 0.0);
    }
}

/// Tints and outlines: one path per state (fills under, outlines over).
fn draw_areas(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, dpr: f64) {
    for s in STATES {
        let (colour, alpha, dash) = style(s);
        ctx.begin_path();
        let mut any = false;
        for g in snap.groups.iter().filter(|g| g.state == s && on_screen(v, g)) {
            ellipse(ctx, v, g);
            any = true;
        }
        if !any {
            continue;
        }
        if alpha > 0.0 {
            ctx.set_global_alpha(alpha);
            ctx.set_fill_style_str(colour);
            ctx.fill();
            ctx.set_global_alpha(1.0);
        }
        let dash = js_sys::Array::from_iter(dash.iter().map(|d| wasm_bindgen::JsValue::from_f64(d * dpr)));
        let _ = ctx.set_line_dash(&dash);
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(if s == GroupState::Healthy { dpr } else { 1.5 * dpr });
        ctx.stroke();
    }
    let _ = ctx.set_line_dash(&js_sys::Array::new());
}

/// Group labels ("EU-3 · down") when few groups are on screen, placed so they do not overlap
/// (the worst states first); else one line per world region with its groups down.
pub fn draw_labels(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, dpr: f64, font: &str) {
    let mut shown: Vec<&Group> = snap.groups.iter().filter(|g| on_screen(v, g)).collect();
    if shown.is_empty() {
        return;
    }
    ctx.set_font(font);
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_line_width(3.0 * dpr);
    ctx.set_stroke_style_str(colors::BACKGROUND);
    let smallest = shown.iter().map(|g| f64::from(g.r) * v.sx).fold(f64::INFINITY, f64::min);
    if shown.len() <= GROUP_LABELS_MAX && 2.0 * smallest >= LABEL_MIN_CSS * dpr {
        shown.sort_by_key(|g| severity(g.state));
        let mut taken = Vec::with_capacity(shown.len());
        for g in shown {
            let text = format!("{} · {}", g.label, state_word(g.state));
            let (x, y) = v.to_screen(g.x, g.y);
            let (rx, ry) = (f64::from(g.r) * v.sx, f64::from(g.r) * v.sy);
            let half = text_width(ctx, &text, dpr) / 2.0;
            // Above the group, below it, then to either side.
            let spots = [(x, y - ry - LINE_CSS * dpr / 2.0), (x, y + ry + LINE_CSS * dpr / 2.0), (x + rx + half, y), (x - rx - half, y)];
            place(ctx, &mut taken, &text, &spots, style(g.state).0, dpr, v);
        }
    } else {
        let mut taken = Vec::with_capacity(REGIONS.len());
        for (k, reg) in REGIONS.iter().enumerate() {
            let mine = snap.groups.iter().filter(|g| usize::from(g.region) == k);
            let tally = mine.fold([0usize; 3], |[t, d, r], g| [t + 1, d + usize::from(g.state == GroupState::Down), r + usize::from(g.state == GroupState::Recovering)]);
            if tally[0] == 0 {
                continue;
            }
            let colour = if tally[1] > 0 { colors::OVERLOAD } else if tally[2] > 0 { colors::RECOVER } else { colors::TEXT };
            // Below the region, or above it when a neighbour's line is there.
            let spots = [v.to_screen(reg.x, reg.y + reg.spread * 2.4), v.to_screen(reg.x, reg.y - reg.spread * 2.2)];
            place(ctx, &mut taken, &region_line(reg.name, tally[1], tally[2], tally[0]), &spots, colour, dpr, v);
        }
    }
}

/// A label's line height, in CSS pixels.
const LINE_CSS: f64 = 14.0;

fn text_width(ctx: &CanvasRenderingContext2d, text: &str, dpr: f64) -> f64 {
    ctx.measure_text(text).map_or(text.len() as f64 * 7.0 * dpr, |m| m.width()) + 4.0 * dpr
}

/// Draws `text` centred on the first of `spots` where it is on screen and overlaps no label
/// placed before (`taken`: their boxes); none free, it is left out. A spot near a side is slid
/// inwards so the whole line shows: in a narrow embed the outer regions' lines ran off the map.
fn place(ctx: &CanvasRenderingContext2d, taken: &mut Vec<[f64; 4]>, text: &str, spots: &[(f64, f64)], colour: &str, dpr: f64, v: &View) {
    let (half_w, half_h) = (text_width(ctx, text, dpr) / 2.0, LINE_CSS * dpr / 2.0);
    let free = |&(x, y): &(f64, f64)| {
        let x = if v.w > 2.0 * half_w { x.clamp(half_w, v.w - half_w) } else { v.w / 2.0 };
        let b = [x - half_w, y - half_h, x + half_w, y + half_h];
        let clear = !taken.iter().any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3]);
        (clear && b[1] > 0.0 && b[3] < v.h).then_some((b, (x, y)))
    };
    if let Some((b, (x, y))) = spots.iter().find_map(free) {
        taken.push(b);
        label(ctx, text, x, y, colour);
    }
}

/// Labels of the worst states are placed first.
fn severity(s: GroupState) -> u8 {
    match s {
        GroupState::Down => 0,
        GroupState::Storm => 1,
        GroupState::Recovering => 2,
        GroupState::Healthy => 3,
    }
}

/// "Europe: 12 of 86 groups down, 3 recovering".
fn region_line(name: &str, down: usize, recovering: usize, total: usize) -> String {
    let back = if recovering > 0 { format!(", {recovering} recovering") } else { String::new() };
    match (down, total) {
        (0, 1) if recovering == 0 => format!("{name}: its group holds"),
        (0, t) if recovering == 0 => format!("{name}: all {t} groups hold"),
        (0, t) => format!("{name}: {recovering} of {t} groups recovering"),
        (d, t) => format!("{name}: {d} of {t} groups down{back}"),
    }
}

fn label(ctx: &CanvasRenderingContext2d, text: &str, x: f64, y: f64, colour: &str) {
    let _ = ctx.stroke_text(text, x, y);
    ctx.set_fill_style_str(colour);
    let _ = ctx.fill_text(text, x, y);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_lines_read_as_plain_words() {
        assert_eq!(region_line("Europe", 12, 0, 86), "Europe: 12 of 86 groups down");
        assert_eq!(region_line("Europe", 3, 5, 86), "Europe: 3 of 86 groups down, 5 recovering");
        assert_eq!(region_line("Europe", 0, 5, 86), "Europe: 5 of 86 groups recovering");
        assert_eq!(region_line("Oceania", 0, 0, 9), "Oceania: all 9 groups hold");
        assert_eq!(region_line("Africa", 0, 0, 1), "Africa: its group holds");
    }

    #[test]
    fn every_state_has_its_own_dash() {
        let dashes: Vec<_> = STATES.iter().map(|&s| style(s).2).collect();
        for (i, a) in dashes.iter().enumerate() {
            assert!(dashes[i + 1..].iter().all(|b| b != a), "two states share a dash pattern");
        }
    }
}
