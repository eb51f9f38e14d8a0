//! The dense layer for thousands of supernodes: a Wasm-side RGBA buffer (peer density as a
//! glow, supernodes as 2-pixel squares) put on the canvas in one `putImageData`. Stroking or
//! filling 48,000 shapes through Canvas2D costs tens of milliseconds in a software renderer;
//! this costs a few, and only when the minute or the camera changes.

use overlay_sim::SlotState;
use overlay_sim::Snapshot;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, ImageData};

use super::camera::View;
use super::colors::{self, load_bucket};

/// Peer-density cell, in device pixels.
const CELL: usize = 4;

/// Reused buffers (resized only when the canvas is).
#[derive(Default)]
pub struct Raster {
    px: Vec<u8>,
    density: Vec<f32>,
    w: usize,
    h: usize,
}

/// What the raster drew, for the test hooks.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct Drawn {
    pub drawn: u32,
    pub failed: u32,
}

impl Raster {
    /// Sizes the buffers for a `w`×`h` canvas (allocated once, then reused).
    pub fn resize(&mut self, w: usize, h: usize) {
        if self.w != w || self.h != h {
            self.w = w;
            self.h = h;
            self.px = vec![0; w * h * 4];
            self.density = vec![0.0; w.div_ceil(CELL) * h.div_ceil(CELL)];
        }
    }

    /// Paints background, peer density and supernode points, and puts them on `ctx`.
    pub fn paint(&mut self, ctx: &CanvasRenderingContext2d, view: &View, snap: &Snapshot<'_>) -> Drawn {
        let (w, h) = (view.w.max(1.0) as usize, view.h.max(1.0) as usize);
        self.resize(w, h);
        let [br, bg, bb] = colors::BACKGROUND_RGB;
        for p in self.px.chunks_exact_mut(4) {
            p.copy_from_slice(&[br, bg, bb, 255]);
        }
        let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len()).min(snap.sn_attached.len()).min(snap.sn_load.len());
        let n_ord = snap.ordinary.min(n);
        self.paint_density(view, snap, n_ord);
        let out = self.paint_supernodes(view, snap, n_ord);
        match ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.px[..]), w as u32, h as u32) {
            Ok(img) => {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
            Err(_) => leptos::logging::warn!("could not build the dense layer"),
        }
        out
    }

    /// Peer density: attached clients summed per cell, shown on a log scale as a glow.
    fn paint_density(&mut self, view: &View, snap: &Snapshot<'_>, n_ord: usize) {
        let (w, h) = (self.w, self.h);
        self.density.iter_mut().for_each(|d| *d = 0.0);
        let gw = w.div_ceil(CELL);
        let mut peak = 1.0f32;
        for i in 0..n_ord {
            let (x, y) = view.to_screen(snap.sn_x[i], snap.sn_y[i]);
            if x < 0.0 || y < 0.0 || x >= view.w || y >= view.h {
                continue;
            }
            if let Some(d) = self.density.get_mut((y as usize / CELL) * gw + x as usize / CELL) {
                *d += snap.sn_attached[i] as f32;
                peak = peak.max(*d);
            }
        }
        let inv = 1.0 / (1.0 + peak).ln();
        let (bg, peer) = (colors::BACKGROUND_RGB.map(f32::from), colors::PEER_RGB.map(f32::from));
        for (c, &d) in self.density.iter().enumerate().filter(|(_, d)| **d > 0.0) {
            let a = ((1.0 + d).ln() * inv).min(1.0) * 0.55;
            let rgb = [0, 1, 2].map(|k| (bg[k] + (peer[k] - bg[k]) * a) as u8);
            let (gx, gy) = (c % gw, c / gw);
            for y in gy * CELL..((gy + 1) * CELL).min(h) {
                for x in gx * CELL..((gx + 1) * CELL).min(w) {
                    let o = (y * w + x) * 4;
                    self.px[o..o + 3].copy_from_slice(&rgb);
                }
            }
        }
    }

    /// Supernodes as small squares: failed ones first, so live ones stay on top.
    fn paint_supernodes(&mut self, view: &View, snap: &Snapshot<'_>, n_ord: usize) -> Drawn {
        let w = self.w;
        let mut out = Drawn::default();
        let size = if view.zoom > 3.0 { 3 } else { 2 };
        for pass in 0..2 {
            for i in 0..n_ord {
                let s = snap.sn_state[i];
                let rgb = match s {
                    SlotState::Alive if pass == 1 => colors::LOAD_RGB[load_bucket(snap.sn_load[i])],
                    SlotState::Shutdown if pass == 0 => colors::OVERLOAD_RGB,
                    SlotState::Crashed if pass == 0 => colors::CRASHED_RGB,
                    SlotState::Promoting if pass == 0 => colors::PROMOTING_RGB,
                    _ => continue,
                };
                let (x, y) = view.to_screen(snap.sn_x[i], snap.sn_y[i]);
                if x < 0.0 || y < 0.0 || x + size as f64 >= view.w || y + size as f64 >= view.h {
                    continue;
                }
                out.drawn += 1;
                out.failed += u32::from(matches!(s, SlotState::Crashed | SlotState::Shutdown));
                let (x, y) = (x as usize, y as usize);
                for yy in y..y + size {
                    let o = (yy * w + x) * 4;
                    for k in 0..size {
                        self.px[o + 4 * k..o + 4 * k + 3].copy_from_slice(&rgb);
                    }
                }
            }
        }
        out
    }
}
