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

/// A pixel as ImageData lays it out (R, G, B, A bytes in memory order), opaque.
fn rgba([r, g, b]: [u8; 3]) -> u32 {
    u32::from_le_bytes([r, g, b, 255])
}

/// Reused buffers (resized only when the canvas is). Pixels are whole `u32`s, so filling a
/// row or a square is a plain store per pixel, not a byte copy.
#[derive(Default)]
pub struct Raster {
    px: Vec<u32>,
    density: Vec<f32>,
    /// Each ordinary supernode's pixel index this frame (`NONE` when off screen).
    at: Vec<u32>,
    w: usize,
    h: usize,
}

const NONE: u32 = u32::MAX;

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
            self.px = vec![0; w * h];
            self.density = vec![0.0; w.div_ceil(CELL) * h.div_ceil(CELL)];
        }
    }

    /// Computes the layer's pixels for the view (in memory: [`Raster::put`] draws them).
    pub fn compute(&mut self, view: &View, snap: &Snapshot<'_>) -> Drawn {
        let (w, h) = (view.w.max(1.0) as usize, view.h.max(1.0) as usize);
        self.resize(w, h);
        self.px.fill(rgba(colors::BACKGROUND_RGB));
        let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len()).min(snap.sn_attached.len()).min(snap.sn_load.len());
        let n_ord = snap.ordinary.min(n);
        let size = if view.zoom > 3.0 { 3 } else { 2 };
        self.place(view, snap, n_ord, size);
        self.paint_density(snap);
        self.paint_supernodes(snap, size)
    }

    /// Puts the computed pixels on `ctx`.
    pub fn put(&self, ctx: &CanvasRenderingContext2d) {
        match ImageData::new_with_u8_clamped_array_and_sh(Clamped(bytemuck::cast_slice(&self.px[..])), self.w as u32, self.h as u32) {
            Ok(img) => {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
            Err(_) => leptos::logging::warn!("could not build the dense layer"),
        }
    }

    fn place(&mut self, view: &View, snap: &Snapshot<'_>, n_ord: usize, size: usize) {
        let (w, h) = (self.w, self.h);
        let (wf, hf) = ((w.saturating_sub(size)) as f64, (h.saturating_sub(size)) as f64);
        self.at.clear();
        self.at.extend((0..n_ord).map(|i| {
            let (x, y) = view.to_screen(snap.sn_x[i], snap.sn_y[i]);
            if x >= 0.0 && y >= 0.0 && x < wf && y < hf {
                (y as usize * w + x as usize) as u32
            } else {
                NONE
            }
        }));
    }

    /// Peer density: attached clients summed per cell, shown on a log scale as a glow.
    fn paint_density(&mut self, snap: &Snapshot<'_>) {
        let w = self.w;
        let gw = w.div_ceil(CELL);
        self.density.fill(0.0);
        for (&at, &attached) in self.at.iter().zip(snap.sn_attached) {
            if at != NONE {
                let (x, y) = (at as usize % w, at as usize / w);
                if let Some(d) = self.density.get_mut((y / CELL) * gw + x / CELL) {
                    *d += attached as f32;
                }
            }
        }
        let peak = self.density.iter().fold(1.0f32, |m, &d| m.max(d));
        let inv = 1.0 / (1.0 + peak).ln();
        let (bg, peer) = (colors::BACKGROUND_RGB.map(f32::from), colors::PEER_RGB.map(f32::from));
        for (c, &d) in self.density.iter().enumerate().filter(|(_, d)| **d > 0.0) {
            let a = ((1.0 + d).ln() * inv).min(1.0) * 0.55;
            let glow = rgba([0, 1, 2].map(|k| (bg[k] + (peer[k] - bg[k]) * a) as u8));
            let (x0, y0) = ((c % gw) * CELL, (c / gw) * CELL);
            let x1 = (x0 + CELL).min(w);
            for y in y0..(y0 + CELL).min(self.h) {
                self.px[y * w + x0..y * w + x1].fill(glow);
            }
        }
    }

    /// Supernodes as small squares: failed ones first, so live ones stay on top.
    fn paint_supernodes(&mut self, snap: &Snapshot<'_>, size: usize) -> Drawn {
        let w = self.w;
        let mut out = Drawn::default();
        let live = colors::LOAD_RGB.map(rgba);
        let (overload, crashed, promoting) = (rgba(colors::OVERLOAD_RGB), rgba(colors::CRASHED_RGB), rgba(colors::PROMOTING_RGB));
        for pass in 0..2 {
            for (i, &at) in self.at.iter().enumerate() {
                if at == NONE {
                    continue;
                }
                let s = snap.sn_state[i];
                let colour = match s {
                    SlotState::Alive if pass == 1 => live[load_bucket(snap.sn_load[i])],
                    SlotState::Shutdown if pass == 0 => overload,
                    SlotState::Crashed if pass == 0 => crashed,
                    SlotState::Promoting if pass == 0 => promoting,
                    _ => continue,
                };
                out.drawn += 1;
                out.failed += u32::from(matches!(s, SlotState::Crashed | SlotState::Shutdown));
                let o = at as usize;
                for row in 0..size {
                    self.px[o + row * w..o + row * w + size].fill(colour);
                }
            }
        }
        out
    }
}
