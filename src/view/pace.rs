//! How much moving detail this device draws. The overlay's particles and flashes are most of a
//! frame's cost on a slow phone: each is a shape the browser rasterises, every frame. When
//! frames come slower than the display's own rate the overlay thins out, down to
//! [`MIN_DENSITY`]; when they come at the display's rate again it fills back in. A desktop
//! keeps every particle; a phone keeps its frame rate.

/// The least share of the overlay drawn.
pub const MIN_DENSITY: f64 = 0.2;
/// Frames longer than the display's by this factor (smoothed) thin the overlay…
const SLOW: f64 = 1.35;
/// …and shorter than this fill it back in. Between the two it holds.
const FAST: f64 = 1.15;
/// Weight of the newest frame in the smoothed interval.
const ALPHA: f64 = 0.1;
/// Gaps longer than this (a paused tab, a seek) say nothing about drawing.
const GAP_MS: f64 = 250.0;

/// The frame pacing: the smoothed interval, the display's interval and the share drawn.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    last: Option<f64>,
    /// The gap before the last frame (0: none yet).
    gap: f64,
    interval: f64,
    display: f64,
    density: f64,
}

impl Default for Pace {
    fn default() -> Self {
        Pace { last: None, gap: 0.0, interval: 1000.0 / 60.0, display: f64::INFINITY, density: 1.0 }
    }
}

impl Pace {
    /// Takes the frame at `now` (ms) into account; returns the share of the overlay to draw.
    pub fn frame(&mut self, now: f64) -> f64 {
        let dt = self.last.map(|t| now - t).filter(|&dt| dt > 0.0 && dt < GAP_MS);
        if let Some(dt) = dt {
            // Frames come on the display's beat, so the shortest gap is its interval: the
            // shortest of two in a row, so one early frame (a browser's timing jitter) does not
            // pass for a faster display.
            if self.gap > 0.0 {
                self.display = self.display.min(dt.max(self.gap).max(4.0));
            }
            self.interval += ALPHA * (dt - self.interval);
            if self.interval > self.display * SLOW {
                self.density = (self.density * 0.96).max(MIN_DENSITY);
            } else if self.interval < self.display * FAST {
                self.density = (self.density * 1.02).min(1.0);
            }
        }
        self.gap = dt.unwrap_or(0.0);
        self.last = Some(now);
        self.density
    }

    pub fn density(&self) -> f64 {
        self.density
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: &mut Pace, from: f64, dt: f64, n: usize) -> f64 {
        (0..n).map(|i| p.frame(from + dt * i as f64)).last().unwrap_or(1.0)
    }

    #[test]
    fn full_detail_at_the_display_rate() {
        let mut p = Pace::default();
        assert_eq!(run(&mut p, 0.0, 16.7, 600), 1.0);
    }

    #[test]
    fn slow_frames_thin_the_overlay_and_fast_ones_bring_it_back() {
        let mut p = Pace::default();
        run(&mut p, 0.0, 16.7, 10);
        let d = run(&mut p, 167.0, 50.0, 120);
        assert_eq!(d, MIN_DENSITY, "three times the display's interval");
        let back = run(&mut p, 6200.0, 16.7, 300);
        assert_eq!(back, 1.0);
    }

    #[test]
    fn a_slow_display_is_not_slow_drawing() {
        let mut p = Pace::default();
        assert_eq!(run(&mut p, 0.0, 33.3, 600), 1.0, "a 30 Hz display at its own rate");
    }

    #[test]
    fn one_early_frame_is_not_a_faster_display() {
        let mut p = Pace::default();
        run(&mut p, 0.0, 16.7, 10);
        let early = 16.7 * 9.0 + 6.0;
        p.frame(early);
        assert_eq!(run(&mut p, early + 16.7, 16.7, 300), 1.0);
    }

    #[test]
    fn a_pause_says_nothing() {
        let mut p = Pace::default();
        run(&mut p, 0.0, 16.7, 10);
        assert_eq!(p.frame(5000.0), 1.0);
        assert_eq!(p.frame(5016.7), 1.0);
    }
}
