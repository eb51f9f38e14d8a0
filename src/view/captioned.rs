//! "PNG with caption": the map as drawn, with a strip under it saying when and what (the
//! clock, the scenario), what the marks mean (a compact legend) and where the facts come from,
//! so the picture still makes sense once it is pasted into a slide or a post.

use std::f64::consts::PI;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::colors as c;
use super::draw::context_2d;

/// The legend's entries in the strip: a mark and its words.
const KEY: [(Mark, &str); 6] = [
    (Mark::Load, "supernode, by load (low → near capacity)"),
    (Mark::Ring, "over capacity"),
    (Mark::Broken, "shut down by its safeguard"),
    (Mark::Cross, "crashed on the bug"),
    (Mark::Mega, "mega-supernode"),
    (Mark::Dashed, "restarting / being promoted"),
];

#[derive(Clone, Copy)]
enum Mark {
    Load,
    Ring,
    Broken,
    Cross,
    Mega,
    Dashed,
}

/// Where the facts come from, in one line.
pub const SOURCE_LINE: &str = "A model, not a recording. Sources: L. Rabbe (Skype CIO), post-mortem, 29 Dec 2010; Baset & Schulzrinne, INFOCOM 2006; Kortchinsky 2012.";

/// The map canvas with a caption strip under it, as a `data:image/png` URL.
pub fn captioned_png(map: &HtmlCanvasElement, title: &str, clock: &str, link: &str) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let out: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    let (w, h) = (f64::from(map.width()).max(320.0), f64::from(map.height()));
    // Type scaled to the picture's width, so a phone's and a projector's PNG read alike.
    let u = (w / 900.0).clamp(0.8, 2.5);
    let strip = (112.0 * u).round();
    out.set_width(w as u32);
    out.set_height((h + strip) as u32);
    let ctx = context_2d(&out)?;
    ctx.set_fill_style_str(c::BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h + strip);
    ctx.draw_image_with_html_canvas_element(map, 0.0, 0.0).ok()?;
    ctx.set_stroke_style_str("rgba(154,163,181,0.35)");
    ctx.set_line_width(u);
    ctx.begin_path();
    ctx.move_to(0.0, h + 0.5);
    ctx.line_to(w, h + 0.5);
    ctx.stroke();
    let pad = 14.0 * u;
    ctx.set_text_baseline("middle");
    ctx.set_text_align("left");
    // When and what.
    ctx.set_fill_style_str(c::TEXT);
    ctx.set_font(&format!("bold {}px system-ui, sans-serif", (17.0 * u).round()));
    let _ = ctx.fill_text(&format!("{clock} · {title}"), pad, h + 20.0 * u);
    // The legend, in a row that wraps.
    ctx.set_font(&format!("{}px system-ui, sans-serif", (12.5 * u).round()));
    let (mut x, mut y) = (pad, h + 50.0 * u);
    for (mark, words) in KEY {
        let tw = ctx.measure_text(words).map_or(100.0, |m| m.width());
        let item = 24.0 * u + tw + 18.0 * u;
        if x + item > w - pad && x > pad {
            x = pad;
            y += 20.0 * u;
        }
        draw_mark(&ctx, mark, x + 9.0 * u, y, u);
        ctx.set_fill_style_str(c::TEXT);
        let _ = ctx.fill_text(words, x + 22.0 * u, y);
        x += item;
    }
    // Where it comes from.
    ctx.set_fill_style_str(c::MUTED);
    ctx.set_font(&format!("{}px system-ui, sans-serif", (11.0 * u).round()));
    let _ = ctx.fill_text(&format!("{SOURCE_LINE} {link}"), pad, h + strip - 14.0 * u);
    out.to_data_url().ok()
}

/// One legend mark, centred at (x, y), as the map draws it.
fn draw_mark(ctx: &CanvasRenderingContext2d, mark: Mark, x: f64, y: f64, u: f64) {
    let r = 6.0 * u;
    ctx.set_line_width(1.6 * u);
    ctx.begin_path();
    match mark {
        Mark::Load => {
            for (i, fill) in c::LOAD_FILLS.iter().enumerate() {
                ctx.begin_path();
                let _ = ctx.arc(x - 6.0 * u + i as f64 * 4.0 * u, y, r * 0.7, 0.0, 2.0 * PI);
                ctx.set_fill_style_str(fill);
                ctx.fill();
            }
        }
        Mark::Ring => {
            let _ = ctx.arc(x, y, r * 0.6, 0.0, 2.0 * PI);
            ctx.set_fill_style_str(c::LOAD_FILLS[3]);
            ctx.fill();
            ctx.begin_path();
            let _ = ctx.arc(x, y, r, 0.0, 2.0 * PI);
            ctx.set_stroke_style_str(c::OVERLOAD);
            ctx.stroke();
        }
        Mark::Broken => {
            let _ = ctx.arc(x, y, r, -0.3 * PI, 1.3 * PI);
            ctx.set_stroke_style_str(c::OVERLOAD);
            ctx.stroke();
        }
        Mark::Cross => {
            ctx.move_to(x - r * 0.7, y - r * 0.7);
            ctx.line_to(x + r * 0.7, y + r * 0.7);
            ctx.move_to(x + r * 0.7, y - r * 0.7);
            ctx.line_to(x - r * 0.7, y + r * 0.7);
            ctx.set_stroke_style_str(c::CRASHED);
            ctx.stroke();
        }
        Mark::Mega => {
            for k in 0..6 {
                let a = f64::from(k) * PI / 3.0;
                let (px, py) = (x + r * a.cos(), y + r * a.sin());
                if k == 0 { ctx.move_to(px, py) } else { ctx.line_to(px, py) }
            }
            ctx.close_path();
            ctx.set_fill_style_str(c::MEGA);
            ctx.fill();
        }
        Mark::Dashed => {
            let dash = js_sys::Array::of2(&(3.0 * u).into(), &(3.0 * u).into());
            let _ = ctx.set_line_dash(&dash);
            let _ = ctx.arc(x, y, r * 0.8, 0.0, 2.0 * PI);
            ctx.set_stroke_style_str(c::PROMOTING);
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
    }
}
