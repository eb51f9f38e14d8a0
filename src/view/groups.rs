//! The cache groups on the map: each neighbourhood a tinted ellipse outlined by its state, so
//! the storm is seen spreading from group to group and coming back. Labelled by name and state
//! where a label fits; when zoomed out too far for that (the real scale's 240 groups), each
//! world region says how many of its groups are down.

use std::f64::consts::TAU;

use overlay_sim::group::REGIONS;
use overlay_sim::{Group, GroupState, Snapshot};
use web_sys::CanvasRenderingContext2d;

use super::camera::View;
use super::colors;

/// A group's label is drawn when its ellipse is at least this wide on screen (CSS pixels).
const LABEL_MIN_CSS: f64 = 26.0;

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

/// Tints and outlines: one path per state (fills under, outlines over).
pub fn draw_areas(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, dpr: f64) {
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

/// Group labels ("EU-3 · down") where they fit, else one line per world region.
pub fn draw_labels(ctx: &CanvasRenderingContext2d, v: &View, snap: &Snapshot<'_>, dpr: f64, font: &str) {
    let Some(smallest) = snap.groups.iter().map(|g| f64::from(g.r) * v.sx).reduce(f64::min) else { return };
    ctx.set_font(font);
    ctx.set_text_align("center");
    ctx.set_text_baseline("bottom");
    ctx.set_line_width(3.0 * dpr);
    ctx.set_stroke_style_str(colors::BACKGROUND);
    if 2.0 * smallest >= LABEL_MIN_CSS * dpr {
        for g in snap.groups.iter().filter(|g| on_screen(v, g)) {
            let (x, y) = v.to_screen(g.x, g.y);
            let text = format!("{} · {}", g.label, state_word(g.state));
            label(ctx, &text, x, y - f64::from(g.r) * v.sy - 2.0 * dpr, style(g.state).0);
        }
    } else {
        for (k, reg) in REGIONS.iter().enumerate() {
            let mine = snap.groups.iter().filter(|g| usize::from(g.region) == k);
            let (total, down) = mine.fold((0, 0), |(t, d), g| (t + 1, d + usize::from(g.state == GroupState::Down)));
            if total == 0 {
                continue;
            }
            let (x, y) = v.to_screen(reg.x, reg.y + reg.spread * 2.4);
            if !v.visible(x, y, 0.0) {
                continue;
            }
            let colour = if down == 0 { colors::TEXT } else { colors::OVERLOAD };
            label(ctx, &region_line(reg.name, down, total), x, y, colour);
        }
    }
}

/// "Europe: 12 of 86 groups down".
fn region_line(name: &str, down: usize, total: usize) -> String {
    match (down, total) {
        (0, 1) => format!("{name}: its group holds"),
        (0, t) => format!("{name}: all {t} groups hold"),
        (d, t) => format!("{name}: {d} of {t} groups down"),
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
        assert_eq!(region_line("Europe", 12, 86), "Europe: 12 of 86 groups down");
        assert_eq!(region_line("Oceania", 0, 9), "Oceania: all 9 groups hold");
        assert_eq!(region_line("Africa", 0, 1), "Africa: its group holds");
    }

    #[test]
    fn every_state_has_its_own_dash() {
        let dashes: Vec<_> = STATES.iter().map(|&s| style(s).2).collect();
        for (i, a) in dashes.iter().enumerate() {
            assert!(dashes[i + 1..].iter().all(|b| b != a), "two states share a dash pattern");
        }
    }
}
