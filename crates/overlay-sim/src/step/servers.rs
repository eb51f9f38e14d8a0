//! Stage 2: the operator's servers. The offline-IM cluster answers late when overloaded — and
//! keeps answering late while its backlog drains — which crashes 5.0.0.152 clients. The login
//! servers authenticate every sign-in at a finite rate; signed-in clients then look for a
//! supernode in their neighbourhood.

use super::{Ctx, VIDEO_SHARE};
use crate::world::World;

impl World {
    /// Offline-IM requests a minute: every sign-in syncs, and running clients sync hourly.
    pub(crate) fn im_demand(&self) -> f64 {
        let running: f64 = self.groups.iter().map(|g| g.attached + g.retrying()).sum();
        self.login_served + running / 60.0
    }

    /// What the offline-IM cluster serves a minute of `demand` requests. During the scripted
    /// overload it is saturated: it serves a share of them, and no more than that share of the
    /// requests at the start, so its backlog grows every minute at any scale (a classroom's
    /// demand wanders by more than the shortfall), and faster as crashed clients sign in again,
    /// each syncing. Normally, its capacity.
    pub(crate) fn im_capacity_now(&self, overloaded: bool, demand: f64) -> f64 {
        if overloaded {
            return (self.im_overload_share * demand).min(self.im_overload_capacity);
        }
        let normal_peak = self.p.peers as f64 * (1.0 / f64::from(self.p.session_min) + 1.0 / 60.0);
        self.p.im_capacity * normal_peak
    }

    /// Runs the servers for minute `t` and returns the minute's shared rates.
    pub(super) fn servers(&mut self, t: u32) -> Ctx {
        let p = &self.p;
        let demand = self.im_demand();
        let cap = self.im_capacity_now(t < self.im_overload_until, demand);
        self.im_backlog += demand;
        let served = self.im_backlog.min(cap);
        self.im_backlog -= served;
        // Float dust is no backlog (relative to the demand: a classroom's is a few requests).
        if self.im_backlog < 1e-6 * demand {
            self.im_backlog = 0.0;
        }
        self.im_delayed = if self.im_backlog + served > 0.0 { self.im_backlog / (self.im_backlog + served) } else { 0.0 };

        // Login servers: sign-ins are served in proportion to the queues, up to capacity.
        let login_cap = p.login_capacity * p.peers as f64 / f64::from(p.session_min);
        let queued: f64 = self.groups.iter().map(|g| g.login).sum();
        let frac = if queued > 0.0 { (login_cap / queued).min(1.0) } else { 0.0 };
        let mut signed_in = 0.0;
        for g in &mut self.groups {
            let n = g.login * frac;
            let nb = g.login_buggy * frac;
            g.login -= n;
            g.login_buggy = (g.login_buggy - nb).max(0.0);
            g.retry[0] += n;
            g.retry_buggy += nb;
            signed_in += n;
        }
        self.login_served = signed_in;

        // Only the replies the overload delayed crash clients: the episode's exposure runs out.
        let exposure = self.im_delayed.min(self.crash_exposure_left);
        self.crash_exposure_left -= exposure;
        let reboot = if t < self.mass_restart_until { self.mass_restart_rate } else { 0.0 };
        self.crash_dose += self.crash_hazard * exposure;
        Ctx {
            t,
            h_client: (self.crash_hazard * exposure).min(1.0) as f32,
            crash_dose: self.crash_dose as f32,
            reboot,
            client_cost: if self.group_video { 1.0 } else { 1.0 - VIDEO_SHARE },
            sn_churn: 1.0 / p.sn_session_min as f32,
            background: 0.0,
            arrivals_global: 0.0,
            pace: (p.join_rate * f64::from(self.clients_mean)) as f32,
        }
    }
}
