//! Stage 6: what the minute amounts to — each group's state, and the metrics row.

use super::supernodes::Pass;
use super::GroupMinute;
use crate::group::GroupState;
use crate::world::{normal_unit, World};
use crate::{Event, EventKind, Metrics};

/// Most promotion candidates a neighbourhood has at hand, as a share of its slots, and how much
/// faster than normal host churn they come back (our assumptions).
pub(crate) const READY_SHARE: f64 = 0.05;
pub(crate) const READY_PACE: f64 = 1.55;

impl World {
    pub(super) fn update_groups(&mut self, t: u32, gm: &[GroupMinute], events: &mut Vec<Event>) {
        for (g, m) in gm.iter().enumerate() {
            let e = self.expected_in(g, t);
            let gr = &mut self.groups[g];
            gr.alive = m.alive;
            gr.accepting = m.accepting;
            gr.service = if e > 0.0 { gr.attached / e } else { 1.0 };
            // New candidates: about twice what normal host churn needs, from the clients
            // running here (connected or not: a client decides for itself that it can serve).
            let most = (READY_SHARE * gr.size() as f64).max(1.0);
            let running = if e > 0.0 { ((gr.attached + gr.retrying()) / e).min(1.0) } else { 0.0 };
            gr.ready = (gr.ready + READY_PACE * gr.size() as f64 / f64::from(self.p.sn_session_min.max(1)) * running).min(most);
            let next = gr.state.next(gr.service);
            if next != gr.state {
                let kind = match next {
                    GroupState::Down => Some(EventKind::GroupDown),
                    GroupState::Healthy if gr.state == GroupState::Recovering => Some(EventKind::GroupRecovered),
                    _ => None,
                };
                gr.state = next;
                gr.since = t;
                if let Some(kind) = kind {
                    events.push(Event { minute: t, kind, sn: u32::MAX, group: g as u16, value: gr.service as f32 });
                }
            }
        }
    }

    pub(crate) fn metrics(&self) -> Metrics {
        self.metrics_with(&[], Pass::default())
    }

    pub(super) fn metrics_with(&self, gm: &[GroupMinute], pass: Pass) -> Metrics {
        let t = self.minute;
        let e = self.expected(t);
        let (ordinary, mega) = self.state.split_at(self.n_ord);
        let alive = ordinary.iter().filter(|s| s.serving()).count() as u32;
        let (mut megas, mut max_load) = (0u32, pass.max_load);
        for (s, &l) in mega.iter().zip(&self.load[self.n_ord..]) {
            if s.serving() {
                megas += 1;
                max_load = max_load.max(l);
            }
        }
        if gm.is_empty() {
            max_load = self.load[..self.n_ord].iter().copied().fold(max_load, f32::max);
        }
        let sum = |f: fn(&crate::group::Group) -> f64| self.groups.iter().map(f).sum::<f64>();
        let (_, load_sum, counted) = gm.iter().fold((0.0, 0.0, 0u32), |(o, l, c), m| (o + m.offered, l + m.load_sum, c + m.loaded));
        // Signalling at the supernodes that remain where the storm is (Rabbe: the remaining
        // supernodes got ~100× their normal load), over the normal for this time of day;
        // the whole network's when no neighbourhood is in trouble.
        let in_storm = |g: usize| self.groups.get(g).is_some_and(|g| g.state != crate::group::GroupState::Healthy);
        let any_storm = (0..gm.len()).any(in_storm);
        let (mut offered, mut normal_sum) = (0.0, 0.0);
        for (g, m) in gm.iter().enumerate() {
            if !any_storm || in_storm(g) {
                offered += m.offered;
                normal_sum += self.expected_in(g, t) / self.groups[g].size().max(1) as f64 * f64::from(m.loaded);
            }
        }
        let normal = normal_sum * f64::from(normal_unit(&self.p));
        Metrics {
            t_min: t,
            online_peers: sum(|g| g.attached) as u64,
            expected_peers: e,
            supernodes_alive: alive,
            mega_supernodes: megas,
            mean_sn_load: if counted > 0 { load_sum / f64::from(counted) } else { 0.0 },
            max_sn_load: f64::from(max_load),
            signalling_ratio: if normal > 0.0 { offered / normal } else { 0.0 },
            giant_component: self.gc,
            login_queue: sum(|g| g.login) as u64,
            retrying_peers: sum(|g| g.retrying()) as u64,
            crashed_clients: sum(|g| g.down + g.rebooting) as u64,
            gave_up: sum(|g| g.resting) as u64,
            groups_down: self.groups.iter().filter(|g| g.state == crate::group::GroupState::Down).count() as u32,
            im_delayed_share: self.im_delayed,
            accepted: pass.accepted,
            orphaned: gm.iter().map(|m| m.orphaned).sum(),
        }
    }
}
