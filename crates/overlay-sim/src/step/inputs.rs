//! Stage 1: scripted events and the user's actions.

use crate::scenario::Scripted;
use crate::slot::{Cause, SlotState};
use crate::world::{World, CLIENT_SHARE};
use crate::{Action, Event, EventKind};
use std::sync::Arc;

/// Minutes the offline-IM backlog is followed forward when the crash hazard is calibrated.
const IM_HORIZON: u32 = 24 * 60;

impl World {
    pub(super) fn apply_script(&mut self, t: u32, events: &mut Vec<Event>) {
        let script = self.script.clone();
        // A script event at minute 0 happens in the first minute stepped.
        for e in script.iter().filter(|e| e.minute.max(1) == t) {
            match e.what {
                Scripted::ImOverload { share, minutes } => {
                    self.im_overload_until = t + minutes;
                    self.im_overload_share = share;
                    self.im_overload_capacity = share * self.im_demand();
                    let (hazard, exposure) = self.calibrate_crash_hazard(minutes);
                    self.crash_hazard = hazard;
                    self.crash_exposure_left = exposure;
                    events.push(Event::network(t, EventKind::ImOverload, share as f32));
                }
                Scripted::MassRestart { fraction, minutes } => {
                    self.mass_restart_until = t + minutes;
                    self.mass_restart_rate = (fraction / f64::from(minutes.max(1))) as f32;
                    events.push(Event::network(t, EventKind::MassRestart, fraction as f32));
                }
                Scripted::KillRandom | Scripted::KillTargeted => self.kill_share(t, matches!(e.what, Scripted::KillTargeted), events),
                Scripted::MegaWave { count } => {
                    let end = (self.mega_next + count as usize).min(self.n_ord + self.n_scripted_megas);
                    for i in self.mega_next..end {
                        let g = self.neediest_group();
                        self.arrive_mega(i, g, None, t, events);
                    }
                    self.mega_next = end;
                }
                Scripted::DisableGroupVideo => {
                    self.group_video = false;
                    events.push(Event::network(t, EventKind::GroupVideoOff, 0.0));
                }
                Scripted::PromotionBug(on) => {
                    self.promotion_broken = on;
                    events.push(Event::network(t, if on { EventKind::PromotionBroken } else { EventKind::PromotionFixed }, 0.0));
                }
            }
        }
    }

    /// Per-minute crash chance per unit of delayed share, such that a 5.0.0.152 client crashes
    /// with probability `crash_fraction` over the whole episode — the overload and the backlog
    /// it leaves — at today's demand (Rabbe: ~40% of them crashed); and the episode's total
    /// exposure (the late replies the overload delayed: once they are delivered, no more).
    fn calibrate_crash_hazard(&self, minutes: u32) -> (f64, f64) {
        let demand = self.im_demand();
        let (mut backlog, mut exposure) = (0.0, 0.0);
        for m in 0..IM_HORIZON {
            let cap = self.im_capacity_now(m < minutes, demand);
            backlog += demand;
            let served = backlog.min(cap);
            backlog -= served;
            exposure += backlog / (backlog + served).max(1e-9);
            if m >= minutes && backlog <= 0.0 {
                break;
            }
        }
        let hazard = if exposure > 1e-9 { -libm::log(1.0 - self.p.crash_fraction.min(0.999_999)) / exposure } else { 0.0 };
        (hazard, exposure)
    }

    /// Kills `kill_fraction` of the serving supernodes: at random, or (targeted) the hubs —
    /// most mesh links first, whose routing makes them the busiest (Albert, Jeong & Barabási),
    /// then the most loaded.
    fn kill_share(&mut self, t: u32, targeted: bool, events: &mut Vec<Event>) {
        let mut live: Vec<usize> = (0..self.n_ord).filter(|&i| self.state[i].serving()).collect();
        let k = (live.len() as f64 * self.p.kill_fraction).round() as usize;
        if targeted {
            let l = |i: usize| self.load[i] * self.cap[i];
            let degree = &self.mesh.degree;
            live.sort_by(|&a, &b| degree[b].cmp(&degree[a]).then(l(b).total_cmp(&l(a))).then(a.cmp(&b)));
        } else {
            for j in (1..live.len()).rev() {
                live.swap(j, self.rng.below(j + 1));
            }
        }
        for &i in &live[..k] {
            self.kill(i, t, events);
        }
        self.first_wave_lost += k as u32;
    }

    pub(super) fn apply_action(&mut self, t: u32, a: &Action, events: &mut Vec<Event>) {
        match a {
            Action::Kill(i) => {
                let i = *i as usize;
                if i < self.state.len() && self.state[i].serving() {
                    self.kill(i, t, events);
                }
            }
            Action::InjectMega { x, y } => {
                if self.user_mega_next < self.state.len() {
                    let i = self.user_mega_next;
                    let (x, y) = (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0));
                    let g = self.nearest_group(x, y);
                    self.arrive_mega(i, g, Some((x, y)), t, events);
                    self.user_mega_next += 1;
                }
            }
            Action::Set { key, value } => {
                // Only live parameters; invalid values are rejected by the caller and ignored here.
                let live = crate::params::spec(key).is_some_and(|s| !s.rebuild);
                let mut p = self.p.clone();
                if live && p.set(key, value).is_ok() && p != self.p {
                    self.p = p;
                    events.push(Event::network(t, EventKind::ParamChanged, 0.0));
                }
            }
        }
    }

    fn kill(&mut self, i: usize, t: u32, events: &mut Vec<Event>) {
        let until = t + self.p.user_restart_min + 1;
        let orphans = self.fail(i, SlotState::Crashed, Cause::Killed, until);
        if let Some(&g) = self.group_of.get(i) {
            self.orphan_into(g as usize, f64::from(orphans));
        }
        events.push(self.slot_event(t, EventKind::Killed, i, 0.0));
    }

    /// Clients whose supernode was killed: they notice over the next keep-alive rounds.
    pub(crate) fn orphan_into(&mut self, g: usize, n: f64) {
        if let Some(gr) = self.groups.get_mut(g) {
            let b = if gr.attached > 0.0 { (gr.attached_buggy / gr.attached).min(1.0) } else { 0.0 };
            let n = n.min(gr.attached);
            gr.attached -= n;
            gr.attached_buggy = (gr.attached_buggy - n * b).max(0.0);
            gr.noticing += n;
            gr.noticing_buggy += n * b;
        }
    }

    /// The operator sends a mega-supernode where the most users are without service and no
    /// mega yet has room for them.
    fn neediest_group(&mut self) -> usize {
        // A reused buffer: a wave sends its megas one at a time (150 in one minute in 2010).
        let mut room = std::mem::take(&mut self.scratch.mega_room);
        room.clear();
        room.resize(self.groups.len(), 0.0);
        for i in self.n_ord..self.state.len() {
            if self.state[i].serving() {
                if let Some(r) = room.get_mut(self.group_of[i] as usize) {
                    *r += f64::from(self.cap[i] * CLIENT_SHARE) - f64::from(self.attached[i]);
                }
            }
        }
        let t = self.minute;
        let g = (0..self.groups.len())
            .max_by(|&a, &b| {
                let need = |g: usize| (self.expected_in(g, t) - self.groups[g].attached).max(0.0) - room[g];
                need(a).total_cmp(&need(b)).then(b.cmp(&a))
            })
            .unwrap_or(0);
        self.scratch.mega_room = room;
        g
    }

    fn nearest_group(&self, x: f32, y: f32) -> usize {
        let d = |g: &crate::group::Group| (g.x - x) * (g.x - x) + (g.y - y) * (g.y - y);
        (0..self.groups.len()).min_by(|&a, &b| d(&self.groups[a]).total_cmp(&d(&self.groups[b]))).unwrap_or(0)
    }

    fn arrive_mega(&mut self, i: usize, g: usize, at: Option<(f32, f32)>, t: u32, events: &mut Vec<Event>) {
        let (x, y) = at.unwrap_or_else(|| {
            // Drawn inside the group it serves, on a ring by arrival order.
            let gr = &self.groups[g];
            let k = (self.group_of[self.n_ord..].iter().filter(|&&h| h as usize == g).count()) as f32;
            let a = k * 2.399; // golden angle
            let r = gr.r * (0.3 + 0.05 * k).min(0.9);
            (gr.x + r * libm::cosf(a), gr.y + r * libm::sinf(a))
        });
        Arc::make_mut(&mut self.x)[i] = x;
        Arc::make_mut(&mut self.y)[i] = y;
        self.group_of[i] = g as u16;
        self.state[i] = SlotState::Alive;
        self.since[i] = t;
        events.push(self.slot_event(t, EventKind::MegaArrival, i, 0.0));
    }

    pub(crate) fn slot_event(&self, t: u32, kind: EventKind, i: usize, value: f32) -> Event {
        Event { minute: t, kind, sn: i as u32, group: self.group_of.get(i).copied().unwrap_or(u16::MAX), value }
    }
}
