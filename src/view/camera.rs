//! Zoom and pan: where the model's unit square lands on the canvas, and back (hit-testing).

use overlay_sim::Snapshot;

/// Zoom limits (1 = the whole map fits).
pub const MIN_ZOOM: f64 = 1.0;
pub const MAX_ZOOM: f64 = 256.0;

/// Where the model's unit square goes on a `w`×`h` canvas: (left, top, width, height), centred,
/// inside `margin`, its aspect ratio kept between 1:1 and 2.4:1 so the map is never squashed.
pub fn map_rect(w: f64, h: f64, margin: f64) -> (f64, f64, f64, f64) {
    let (bw, bh) = ((w - 2.0 * margin).max(1.0), (h - 2.0 * margin).max(1.0));
    let aspect = (bw / bh).clamp(1.0, 2.4);
    let (mw, mh) = if bw / bh > aspect { (bh * aspect, bh) } else { (bw, bw / aspect) };
    (margin + (bw - mw) / 2.0, margin + (bh - mh) / 2.0, mw, mh)
}

/// The user's zoom and pan. `version` bumps on every change so cached layers know to redraw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub zoom: f64,
    /// Pan in device pixels.
    pub pan_x: f64,
    pub pan_y: f64,
    pub version: u64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera { zoom: 1.0, pan_x: 0.0, pan_y: 0.0, version: 0 }
    }
}

/// The camera applied to one canvas size: screen = origin + model × scale (device pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub ox: f64,
    pub oy: f64,
    pub sx: f64,
    pub sy: f64,
    pub w: f64,
    pub h: f64,
    pub zoom: f64,
}

impl View {
    #[inline]
    pub fn to_screen(&self, x: f32, y: f32) -> (f64, f64) {
        (self.ox + f64::from(x) * self.sx, self.oy + f64::from(y) * self.sy)
    }
    pub fn to_model(&self, px: f64, py: f64) -> (f64, f64) {
        ((px - self.ox) / self.sx, (py - self.oy) / self.sy)
    }
    /// Whether a screen point is on the canvas, with `pad` pixels of slack.
    #[inline]
    pub fn visible(&self, px: f64, py: f64, pad: f64) -> bool {
        px >= -pad && py >= -pad && px <= self.w + pad && py <= self.h + pad
    }
}

impl Camera {
    pub fn view(&self, w: f64, h: f64, margin: f64) -> View {
        let (ox, oy, mw, mh) = map_rect(w, h, margin);
        let (cx, cy) = (ox + mw / 2.0, oy + mh / 2.0);
        View {
            ox: cx - mw * self.zoom / 2.0 + self.pan_x,
            oy: cy - mh * self.zoom / 2.0 + self.pan_y,
            sx: mw * self.zoom,
            sy: mh * self.zoom,
            w,
            h,
            zoom: self.zoom,
        }
    }

    /// Zooms by `factor` keeping the model point under (px, py) where it is.
    pub fn zoom_at(&mut self, w: f64, h: f64, margin: f64, px: f64, py: f64, factor: f64) {
        let before = self.view(w, h, margin);
        let (mx, my) = before.to_model(px, py);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = self.view(w, h, margin);
        let (nx, ny) = (after.ox + mx * after.sx, after.oy + my * after.sy);
        self.pan_x += px - nx;
        self.pan_y += py - ny;
        self.version += 1;
    }

    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.pan_x += dx;
        self.pan_y += dy;
        self.version += 1;
    }

    pub fn reset(&mut self) {
        let v = self.version + 1;
        *self = Camera { version: v, ..Camera::default() };
    }
}

/// The slot drawn nearest to (px, py) within `radius` device pixels (vacant and idle slots
/// are not drawn, so cannot be picked).
pub fn hit_test(view: &View, snap: &Snapshot<'_>, px: f64, py: f64, radius: f64) -> Option<u32> {
    use overlay_sim::SlotState;
    let n = snap.sn_x.len().min(snap.sn_y.len()).min(snap.sn_state.len());
    let mut best = (radius * radius, None);
    for i in 0..n {
        if matches!(snap.sn_state[i], SlotState::Vacant | SlotState::Idle) {
            continue;
        }
        let (x, y) = view.to_screen(snap.sn_x[i], snap.sn_y[i]);
        let d = (x - px) * (x - px) + (y - py) * (y - py);
        if d <= best.0 {
            best = (d, Some(i as u32));
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_its_aspect_within_bounds_and_fits() {
        for (w, h) in [(1280.0, 560.0), (344.0, 480.0), (3840.0, 600.0), (10.0, 10.0)] {
            let (x, y, mw, mh) = map_rect(w, h, 4.0);
            assert!(x >= 4.0 - 1e-9 && y >= 4.0 - 1e-9, "{w}x{h}");
            assert!(x + mw <= w - 4.0 + 1e-9 && y + mh <= h - 4.0 + 1e-9, "{w}x{h}");
            let a = mw / mh;
            assert!((1.0 - 1e-9..=2.4 + 1e-9).contains(&a), "{w}x{h}: aspect {a}");
        }
        let (_, _, mw, _) = map_rect(1280.0, 560.0, 0.0);
        assert_eq!(mw, 1280.0);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut c = Camera::default();
        let v0 = c.view(1000.0, 500.0, 10.0);
        let m0 = v0.to_model(300.0, 200.0);
        c.zoom_at(1000.0, 500.0, 10.0, 300.0, 200.0, 3.0);
        let v1 = c.view(1000.0, 500.0, 10.0);
        let (x, y) = (v1.ox + m0.0 * v1.sx, v1.oy + m0.1 * v1.sy);
        assert!((x - 300.0).abs() < 1e-6 && (y - 200.0).abs() < 1e-6);
        assert!(c.version > 0);
        c.reset();
        assert_eq!(c.zoom, 1.0);
    }

    #[test]
    fn zoom_is_clamped() {
        let mut c = Camera::default();
        c.zoom_at(100.0, 100.0, 0.0, 50.0, 50.0, 0.01);
        assert_eq!(c.zoom, MIN_ZOOM);
        c.zoom_at(100.0, 100.0, 0.0, 50.0, 50.0, 1e9);
        assert_eq!(c.zoom, MAX_ZOOM);
    }
}
