//! One simulated minute. All state is in `World`; user actions arrive as `Inputs`.
//!
//! Order within a minute: scripted events and user actions; the offline-IM servers (their
//! delayed replies crash 5.0.0.152 clients); the login servers; the retry pool's due peers
//! probe supernodes; one pass over the supernode slots (churn, crashes, arrivals, load, the
//! overload safeguard, restarts and promotions); the peers that failed go back to the retry
//! pool by the retry policy; metrics.

use crate::params::RetryPolicy;
use crate::rng::sround;
use crate::scenario::Scripted;
use crate::world::{cause, normal_unit, state, World, CLIENT_SHARE, LEVELS, RING};
use crate::{Action, Event, EventKind, Inputs, Metrics, StepReport};
use std::sync::Arc;

/// At real scale the giant component is recomputed every this many minutes (it costs a
/// union-find pass over the whole mesh); small networks recompute it every minute.
const GC_EVERY_MIN: u32 = 10;
/// Minutes between a supernode host leaving and a replacement candidate being picked.
const VACANCY_GAP: u32 = 10;
/// Accepting stops above this two-minute load (the supernode keeps room for signalling).
const ACCEPT_MAX_LOAD: f32 = 0.9;
/// A joining client's handshake costs this many load units once.
const JOIN_COST: f32 = 2.0;
/// Relaying and group video share of a client's load (cut when group video is disabled; our figure).
const VIDEO_SHARE: f32 = 0.15;

impl World {
    /// Advances one simulated minute.
    pub fn step(&mut self, inputs: &Inputs) -> StepReport {
        let t = self.minute + 1;
        let mut events = Vec::new();
        // orphaned_now / accepted_now are rewritten for every user-run slot in the main pass.
        self.orphaned_now[self.n_ord..].fill(0);
        self.accepted_now[self.n_ord..].fill(0);
        if self.trigger_min == Some(t) {
            self.alive_at_trigger = self.ordinary_alive() as u32;
            self.first_wave_pending = (0..self.n_ord).map(|i| self.state[i] == state::ALIVE).collect();
        }
        self.apply_script(t, &mut events);
        for a in &inputs.actions {
            self.apply_action(t, a, &mut events);
        }

        let p = self.p.clone();
        let e_now = self.expected(t);
        let unit = normal_unit(&p);
        let client_cost = if self.group_video { 1.0 } else { 1.0 - VIDEO_SHARE };
        let churn = 1.0 / p.session_min as f32;
        let sn_churn = 1.0 / p.sn_session_min as f32;
        let in_trigger_window = self.trigger_min.is_some_and(|tm| t >= tm && t < tm + self.trigger_window());

        // Offline-IM servers: demand from sign-ins and the online clients' periodic sync.
        // Running clients sync with them directly, connected to a supernode or not.
        let im_demand = self.login_served as f64 + (self.attached_total + self.retry_total) as f64 / 60.0;
        let im_normal_peak = p.peers as f64 * (1.0 / f64::from(p.session_min) + 1.0 / 60.0);
        let im_cap = p.im_capacity * im_normal_peak * if t < self.im_overload_until { self.im_overload_capacity } else { 1.0 };
        self.im_delayed = if im_demand > 0.0 { (1.0 - im_cap / im_demand).max(0.0) } else { 0.0 };
        let h_client = (self.crash_hazard * self.im_delayed).min(1.0) as f32;

        // Login servers: every sign-in passes through them, at a finite rate.
        let login_cap = (p.login_capacity * p.peers as f64 / f64::from(p.session_min)) as u64;
        let served = self.login_queue.min(login_cap);
        let served_buggy = mul_frac(self.login_buggy, served, self.login_queue);
        self.login_queue -= served;
        self.login_buggy -= served_buggy;
        self.login_served = served;

        // Retrying peers due now, plus those just signed in.
        let slot = t as usize % RING;
        let mut due = std::mem::take(&mut self.retry[slot]);
        due[0] += served;
        let due_total: u64 = due.iter().sum();
        let ring_due = due_total - served;
        let ring_buggy = mul_frac(self.retry_buggy, ring_due, self.retry_total);
        self.retry_total -= ring_due.min(self.retry_total);
        self.retry_buggy -= ring_buggy.min(self.retry_buggy);
        let mut due_buggy = ring_buggy + served_buggy;
        // Buggy clients still looking for a supernode crash on delayed replies too.
        let crashed_retrying = (due_buggy as f64 * f64::from(h_client)) as u64;
        if crashed_retrying > 0 {
            let mut left = crashed_retrying;
            for n in due.iter_mut() {
                let c = left.min(*n);
                *n -= c;
                left -= c;
            }
            due_buggy -= (crashed_retrying - left).min(due_buggy);
        }
        let due_total: u64 = due.iter().sum();
        let attempts = match p.retry_policy {
            // Immediate retries fit several attempts into a minute until one succeeds.
            RetryPolicy::Immediate => {
                let f = (1.0 - self.success).clamp(0.0, 1.0);
                (0..p.attempts_per_min.round() as i32).map(|r| libm::pow(f, f64::from(r))).sum::<f64>()
            }
            _ => 1.0,
        };
        let a = due_total as f64;

        // Log-offs: normal session ends, plus the evening decline (users above the daily
        // cycle's expectation leave within about half an hour).
        let wanting = (self.attached_total + self.retry_total + self.login_queue + self.down_total) as f32;
        let excess = ((wanting - e_now as f32) / wanting.max(1.0)).max(0.0);
        let churn_off = churn + excess / 30.0;
        let mut tot = Totals::default();

        // Mega-supernodes first: attempts that reach one (through the operator's login and
        // bootstrap servers) join it while it has room.
        let mut accepted_mega = 0u64;
        let mega_live: Vec<usize> = (self.n_ord..self.state.len()).filter(|&i| self.state[i] == state::ALIVE).collect();
        if !mega_live.is_empty() && a > 0.0 {
            let reach = a * (1.0 - libm::pow(1.0 - p.mega_reach, attempts));
            let per = (reach / mega_live.len() as f64) as f32;
            for &i in &mega_live {
                let ramp = ((t - self.since[i]) as f32 / p.mega_ramp_min as f32).min(1.0);
                let limit = (self.cap[i] * CLIENT_SHARE * ramp) as u32;
                let rate = (self.cap[i] * CLIENT_SHARE / 60.0 * ramp) as u32;
                let room = limit.saturating_sub(self.attached[i]).min(rate);
                let acc = room.min(per as u32);
                let off = sround(self.attached[i] as f32 * churn_off, self.rng.f64() as f32);
                tot.off += u64::from(off);
                self.attached[i] = self.attached[i] - off.min(self.attached[i]) + acc;
                self.accepted_now[i] = acc;
                accepted_mega += u64::from(acc);
                let offered = self.attached[i] as f32 * client_cost + per * JOIN_COST;
                self.load[i] = offered / (self.cap[i] * ramp.max(0.01));
                self.ewma[i] = 0.5 * (self.ewma[i] + self.load[i]);
                tot.megas += 1;
                tot.max_load = tot.max_load.max(self.load[i]);
            }
        }
        let a_ord = (a - accepted_mega as f64).max(0.0);

        // Every retrying peer probes `fanout` cached supernodes per attempt; a probe at a live
        // supernode costs it `probe_cost`. Caches are random, so probes spread over all slots.
        let n_ord = self.n_ord;
        let probes_per_slot = (a * attempts * p.probe_fanout / n_ord as f64) as f32;
        let acc_share = (self.accepting_prev.max(1) as f64 / n_ord as f64).min(1.0);
        let found = a_ord * (1.0 - libm::pow(1.0 - acc_share, attempts * p.probe_fanout));
        let arrivals_per = (found / self.accepting_prev.max(1) as f64) as f32;
        let reboot = if t < self.mass_restart_until { self.mass_restart_rate } else { 0.0 };
        let buggy_att = frac(self.attached_buggy, self.attached_total) as f32;

        let spread = (3.5 / (probes_per_slot + 1.0).sqrt()).min(1.0);
        let mut accepting = 0usize;
        // Hot pass over the live user-run supernodes, on local slices (no bounds checks, no
        // calls through `self`); failures and the rare non-live slots are handled after it.
        let mut rare = std::mem::take(&mut self.scratch_rare);
        let mut fails = std::mem::take(&mut self.scratch_fails);
        rare.clear();
        fails.clear();
        {
            let n = n_ord;
            let state = &self.state[..n];
            let timer = &self.timer[..n];
            let buggy = &self.buggy[..n];
            let cap = &self.cap[..n];
            let mesh_load = &self.mesh_load[..n];
            let attached = &mut self.attached[..n];
            let load = &mut self.load[..n];
            let ewma = &mut self.ewma[..n];
            let orphaned_now = &mut self.orphaned_now[..n];
            let accepted_now = &mut self.accepted_now[..n];
            let rng = &mut self.rng;
            let probe_cost = p.probe_cost as f32;
            let limit_per_cap = CLIENT_SHARE / client_cost;
            let shutdown = p.overload_shutdown;
            let restart_delay = p.restart_delay_min as f32;
            for i in 0..n {
                orphaned_now[i] = 0;
                accepted_now[i] = 0;
                let st = state[i];
                if st != state::ALIVE {
                    if timer[i] <= t || (st == state::SHUTDOWN && buggy[i] && h_client > 0.0) {
                        rare.push(i as u32);
                    }
                    continue;
                }
                let [u0, u1, u2, u3] = rng.quad();
                // Host events: the bug, a reboot, the host leaving.
                if buggy[i] && h_client > 0.0 && u0 < h_client {
                    fails.push(Fail { i: i as u32, state: state::CRASHED, cause: cause::BUG, until: restart_at(t, u1, p.user_restart_min), load: 0.0 });
                    continue;
                } else if reboot > 0.0 && u0 < reboot {
                    fails.push(Fail { i: i as u32, state: state::VACANT, cause: cause::REBOOT, until: t + 5 + VACANCY_GAP, load: 0.0 });
                    continue;
                } else if u0 > 1.0 - sn_churn {
                    fails.push(Fail { i: i as u32, state: state::VACANT, cause: cause::CHURN, until: t + VACANCY_GAP, load: 0.0 });
                    continue;
                }
                // Clients leaving: normal log-offs, crashes of buggy clients, reboots.
                let a = attached[i];
                let att = a as f32;
                let off = sround(att * churn_off, u1).min(a);
                let crashed = sround(att * buggy_att * h_client, u2).min(a - off);
                let rebooted = sround(att * reboot, u2).min(a - off - crashed);
                let a = a - off - crashed - rebooted;
                tot.off += u64::from(off);
                tot.crashed += u64::from(crashed);
                tot.rebooted += u64::from(rebooted);

                // Arrivals from the retry pool, and the probe load (Poisson-like scatter).
                let noise = 1.0 + (u3 - 0.5) * spread;
                let probes = probes_per_slot * noise;
                let acc = if ewma[i] <= ACCEPT_MAX_LOAD {
                    accepting += 1;
                    let limit = (cap[i] * limit_per_cap) as u32;
                    sround(arrivals_per * noise, u3).min(limit.saturating_sub(a))
                } else {
                    0
                };
                let a = a + acc;
                attached[i] = a;
                accepted_now[i] = acc;
                tot.accepted += u64::from(acc);
                let offered = a as f32 * client_cost + probes * probe_cost + acc as f32 * JOIN_COST + mesh_load[i];
                let l = offered / cap[i];
                load[i] = l;
                let e = 0.5 * (ewma[i] + l);
                ewma[i] = e;
                tot.offered += f64::from(offered);
                tot.load_sum += f64::from(l);
                tot.alive += 1;
                if shutdown && e > 1.0 {
                    let jitter = (0.8 + 0.4 * u1) * restart_delay;
                    fails.push(Fail { i: i as u32, state: state::SHUTDOWN, cause: cause::OVERLOAD, until: t + 1 + jitter as u32, load: e });
                } else {
                    tot.alive_end += 1;
                    tot.max_load = tot.max_load.max(l);
                }
            }
        }
        for f in &fails {
            let i = f.i as usize;
            match f.cause {
                cause::BUG => events.push(Event::at(t, EventKind::Crash, i)),
                cause::REBOOT => events.push(Event::at(t, EventKind::Rebooted, i)),
                cause::OVERLOAD => {
                    self.cause_load[i] = f.load;
                    events.push(Event { minute: t, kind: EventKind::OverloadShutdown, sn: f.i, value: f.load });
                }
                _ => {}
            }
            if f.cause == cause::BUG || f.cause == cause::REBOOT {
                self.count_first_wave(i, in_trigger_window);
            }
            self.fail(i, f.state, f.cause, f.until, &mut tot);
        }
        // Slots not serving whose timer ran out, and shut-down hosts the bug may still crash
        // (a shut-down supernode's host still runs the client).
        for &i in &rare {
            let i = i as usize;
            let st = self.state[i];
            let [u0, u1, ..] = if st == state::SHUTDOWN && self.buggy[i] && h_client > 0.0 { self.rng.quad() } else { [1.0; 4] };
            if u0 < h_client {
                self.state[i] = state::CRASHED;
                self.cause[i] = cause::BUG;
                self.timer[i] = restart_at(t, u1, p.user_restart_min);
                self.since[i] = t;
                events.push(Event::at(t, EventKind::Crash, i));
                self.count_first_wave(i, in_trigger_window);
            } else if self.timer[i] <= t {
                self.transition(i, t, &mut events);
                if self.state[i] == state::ALIVE {
                    tot.alive_end += 1;
                }
            }
        }
        self.scratch_rare = rare;
        self.scratch_fails = fails;
        self.accepting_prev = accepting.max(1);
        tot.counted = true;
        tot.accepted += accepted_mega;

        // Peers moved: the attached cohort's totals.
        let att_total_before = self.attached_total;
        let orphan_buggy = mul_frac(self.attached_buggy, tot.orphaned, att_total_before);
        let left = tot.off + tot.crashed + tot.rebooted + tot.orphaned;
        let left_buggy = mul_frac(self.attached_buggy, tot.off + tot.orphaned + tot.rebooted, att_total_before) + tot.crashed;
        let acc_buggy = mul_frac(due_buggy, tot.accepted, due_total);
        self.attached_total = self.attached_total + tot.accepted - left.min(att_total_before + tot.accepted);
        self.attached_buggy = (self.attached_buggy + acc_buggy).saturating_sub(left_buggy).min(self.attached_total);
        self.success = if due_total > 0 { tot.accepted as f64 / due_total as f64 } else { 1.0 };

        // Failed attempts go back to the pool per the retry policy; some users give up.
        let failed = due_total.saturating_sub(tot.accepted);
        let failed_buggy = due_buggy.saturating_sub(acc_buggy).min(failed);
        self.reschedule(t, &due, failed, failed_buggy, churn);
        // Orphans notice the loss over the next keep-alive rounds (1–4 minutes) and retry.
        let q = tot.orphaned / 4;
        let qb = orphan_buggy / 4;
        for d in 1..=4u32 {
            let (n, nb) = if d == 4 { (tot.orphaned - 3 * q, orphan_buggy - 3 * qb) } else { (q, qb) };
            self.push_retry(t + d, 0, n, nb);
        }

        // Crashed and rebooting clients come back when their users restart them; then they sign in.
        let (back, back_buggy) = std::mem::take(&mut self.down[slot]);
        self.down_total -= back;
        self.login_queue += back;
        self.login_buggy += back_buggy;
        let crashed = tot.crashed + crashed_retrying;
        self.schedule_down(t, crashed, crashed, p.user_restart_min);
        self.schedule_down(t, tot.rebooted, 0, 5);

        // Users who want to be online and are not: new sign-ins (the daily cycle).
        let wanting = self.attached_total + self.retry_total + self.login_queue + self.down_total;
        if e_now > wanting {
            let new = e_now - wanting;
            self.login_queue += new;
            self.login_buggy += (new as f64 * p.buggy_share) as u64;
        }
        let q_leave = (self.login_queue as f32 * churn) as u64;
        self.login_buggy = self.login_buggy.saturating_sub(mul_frac(self.login_buggy, q_leave, self.login_queue));
        self.login_queue -= q_leave;

        self.minute = t;
        let changed = events.iter().any(|e| e.kind.changes_mesh()) || tot.orphaned > 0;
        self.gc_dirty |= changed;
        if self.gc_dirty && (self.state.len() < 10_000 || t % GC_EVERY_MIN == 0) {
            let st = &self.state;
            self.gc = self.mesh.giant_fraction(|i| st[i] == state::ALIVE);
            self.gc_dirty = false;
        }
        self.last = self.metrics_with(&tot, probes_per_slot * p.probe_cost as f32, unit);
        StepReport { metrics: self.last, events }
    }

    /// The minutes after the trigger whose supernode losses count as the first wave.
    fn trigger_window(&self) -> u32 {
        self.script
            .iter()
            .find(|e| Some(e.minute) == self.trigger_min)
            .map(|e| match e.what {
                Scripted::ImOverload { minutes, .. } | Scripted::MassRestart { minutes, .. } => minutes,
                _ => 1,
            })
            .unwrap_or(1)
    }

    /// Counts a host lost to the trigger itself, once per slot that was serving at the trigger.
    fn count_first_wave(&mut self, i: usize, in_window: bool) {
        if in_window && self.first_wave_pending.get(i).copied().unwrap_or(false) {
            self.first_wave_pending[i] = false;
            self.first_wave_lost += 1;
        }
    }

    /// A live slot stops serving: its clients are orphaned.
    fn fail(&mut self, i: usize, s: u8, c: u8, until: u32, tot: &mut Totals) {
        tot.orphaned += u64::from(self.attached[i]);
        self.orphaned_now[i] = self.attached[i];
        self.attached[i] = 0;
        self.state[i] = s;
        self.cause[i] = c;
        self.timer[i] = until;
        self.since[i] = self.minute + 1;
        self.load[i] = 0.0;
        self.ewma[i] = 0.0;
        self.gc_dirty = true;
    }

    /// A slot's timer ran out: restart, the crashed host returns as a candidate, a promotion ends.
    fn transition(&mut self, i: usize, t: u32, events: &mut Vec<Event>) {
        match self.state[i] {
            state::SHUTDOWN => {
                self.state[i] = state::ALIVE;
                events.push(Event::at(t, EventKind::Restart, i));
            }
            state::CRASHED | state::VACANT => {
                // Promotion needs healthy connected public peers to pick from.
                if self.attached_total > 0 {
                    self.state[i] = state::PROMOTING;
                    self.timer[i] = t + self.p.promotion_min;
                    // A new host: the buggy share among supernode hosts applies afresh.
                    let share = (self.p.buggy_share / self.p.windows_share).min(1.0);
                    self.buggy[i] = self.rng.f64() < share;
                } else {
                    self.timer[i] = t + VACANCY_GAP;
                }
                return;
            }
            state::PROMOTING => {
                self.state[i] = state::ALIVE;
                events.push(Event::at(t, EventKind::Promotion, i));
            }
            _ => return,
        }
        self.since[i] = t;
        self.cause[i] = cause::NONE;
        self.ewma[i] = 0.0;
        self.gc_dirty = true;
    }

    fn reschedule(&mut self, t: u32, due: &[u64; LEVELS], failed: u64, failed_buggy: u64, churn: f32) {
        let total: u64 = due.iter().sum();
        if failed == 0 || total == 0 {
            return;
        }
        let (policy, base) = (self.p.retry_policy, self.p.retry_delay_min);
        for (level, &n) in due.iter().enumerate() {
            let f = mul_frac(failed, n, total);
            let fb = mul_frac(failed_buggy, n, total);
            if f == 0 {
                continue;
            }
            let next = (level + 1).min(LEVELS - 1);
            match policy {
                RetryPolicy::Immediate => self.requeue(t, 1, next, f, fb, churn),
                RetryPolicy::Fixed => self.requeue(t, base, next, f, fb, churn),
                RetryPolicy::Exponential => {
                    let d = (base << level).min(64) as f32;
                    // ±50% jitter, as three equal shares.
                    let thirds = [f / 3, f / 3, f - 2 * (f / 3)];
                    let bthirds = [fb / 3, fb / 3, fb - 2 * (fb / 3)];
                    for (k, m) in [0.5f32, 1.0, 1.5].into_iter().enumerate() {
                        self.requeue(t, ((d * m) as u32).max(1), next, thirds[k], bthirds[k], churn);
                    }
                }
            }
        }
    }

    /// Puts failed peers back `delay` minutes ahead; users give up at the churn rate meanwhile.
    fn requeue(&mut self, t: u32, delay: u32, level: usize, n: u64, nb: u64, churn: f32) {
        let quit = ((n as f32) * (churn * delay as f32).min(1.0)) as u64;
        let quit_b = mul_frac(nb, quit, n);
        self.push_retry(t + delay, level, n - quit, nb - quit_b);
    }

    pub(crate) fn push_retry(&mut self, due: u32, level: usize, n: u64, nb: u64) {
        self.retry[due as usize % RING][level] += n;
        self.retry_total += n;
        self.retry_buggy += nb;
    }

    fn schedule_down(&mut self, t: u32, n: u64, nb: u64, mean: u32) {
        if n == 0 {
            return;
        }
        // Spread over an exponential delay: four buckets at the quartiles' midpoints.
        let mean = mean.max(1) as f64;
        let (mut rest, mut rest_b) = (n, nb);
        for (k, q) in [0.125f64, 0.375, 0.625, 0.875].into_iter().enumerate() {
            let d = libm::round(-libm::log(1.0 - q) * mean).max(1.0) as u32;
            let (m, mb) = if k == 3 { (rest, rest_b) } else { (n / 4, nb / 4) };
            rest -= m;
            rest_b -= mb;
            let s = &mut self.down[(t + d) as usize % RING];
            s.0 += m;
            s.1 += mb;
        }
        self.down_total += n;
    }

    fn apply_script(&mut self, t: u32, events: &mut Vec<Event>) {
        let script = self.script.clone();
        for e in script.iter().filter(|e| e.minute == t) {
            match e.what {
                Scripted::ImOverload { capacity, minutes } => {
                    self.im_overload_until = t + minutes;
                    self.im_overload_capacity = capacity;
                    // Calibrated so the overload alone crashes `crash_fraction` of buggy clients
                    // at the delayed share it causes at normal demand; more overload crashes more.
                    let d_ref = (1.0 - self.p.im_capacity * capacity).max(0.05);
                    let per_min = 1.0 - libm::pow(1.0 - self.p.crash_fraction.min(0.999_999), 1.0 / f64::from(minutes.max(1)));
                    self.crash_hazard = per_min / d_ref;
                    events.push(Event { minute: t, kind: EventKind::ImOverload, sn: u32::MAX, value: capacity as f32 });
                }
                Scripted::MassRestart { fraction, minutes } => {
                    self.mass_restart_until = t + minutes;
                    self.mass_restart_rate = (fraction / f64::from(minutes.max(1))) as f32;
                    events.push(Event { minute: t, kind: EventKind::MassRestart, sn: u32::MAX, value: fraction as f32 });
                }
                Scripted::KillRandom | Scripted::KillTargeted => {
                    let mut live: Vec<usize> = (0..self.n_ord).filter(|&i| self.state[i] == state::ALIVE).collect();
                    let k = (live.len() as f64 * self.p.kill_fraction).round() as usize;
                    if matches!(e.what, Scripted::KillTargeted) {
                        let l = |i: usize| self.load[i] * self.cap[i];
                        live.sort_by(|&a, &b| l(b).total_cmp(&l(a)).then(a.cmp(&b)));
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
                Scripted::MegaWave { count } => {
                    let end = (self.mega_next + count as usize).min(self.n_ord + self.n_scripted_megas);
                    for i in self.mega_next..end {
                        self.arrive_mega(i, t, events);
                    }
                    self.mega_next = end;
                }
                Scripted::DisableGroupVideo => {
                    self.group_video = false;
                    events.push(Event { minute: t, kind: EventKind::GroupVideoOff, sn: u32::MAX, value: 0.0 });
                }
                Scripted::SetRetryPolicy(policy, delay) => {
                    self.p.retry_policy = policy;
                    self.p.retry_delay_min = delay;
                    events.push(Event { minute: t, kind: EventKind::RetryPolicy, sn: u32::MAX, value: 0.0 });
                }
            }
        }
    }

    fn apply_action(&mut self, t: u32, a: &Action, events: &mut Vec<Event>) {
        match a {
            Action::Kill(i) => {
                let i = *i as usize;
                if i < self.state.len() && self.state[i] == state::ALIVE {
                    self.kill(i, t, events);
                }
            }
            Action::InjectMega { x, y } => {
                if self.user_mega_next < self.state.len() {
                    let i = self.user_mega_next;
                    Arc::make_mut(&mut self.x)[i] = x.clamp(0.0, 1.0);
                    Arc::make_mut(&mut self.y)[i] = y.clamp(0.0, 1.0);
                    self.arrive_mega(i, t, events);
                    self.user_mega_next += 1;
                }
            }
            Action::Set { key, value } => {
                // Invalid values are rejected by the caller (Params::set); here they are ignored.
                let mut p = self.p.clone();
                if key != "scale" && key != "seed" && key != "peers" && key != "supernodes" && p.set(key, value).is_ok() {
                    self.p = p;
                    events.push(Event { minute: t, kind: EventKind::ParamChanged, sn: u32::MAX, value: 0.0 });
                }
            }
        }
    }

    fn kill(&mut self, i: usize, t: u32, events: &mut Vec<Event>) {
        let mut tot = Totals::default();
        let until = t + self.p.user_restart_min + 1;
        self.fail(i, state::CRASHED, cause::KILLED, until, &mut tot);
        let nb = mul_frac(self.attached_buggy, tot.orphaned, self.attached_total);
        self.attached_total -= tot.orphaned;
        self.attached_buggy -= nb.min(self.attached_buggy);
        self.push_retry(t + 1, 0, tot.orphaned, nb);
        events.push(Event::at(t, EventKind::Killed, i));
    }

    fn arrive_mega(&mut self, i: usize, t: u32, events: &mut Vec<Event>) {
        self.state[i] = state::ALIVE;
        self.since[i] = t;
        self.gc_dirty = true;
        events.push(Event::at(t, EventKind::MegaArrival, i));
    }

    pub(crate) fn ordinary_alive(&self) -> usize {
        self.state[..self.n_ord].iter().filter(|&&s| s == state::ALIVE).count()
    }

    pub(crate) fn metrics(&self) -> Metrics {
        self.metrics_with(&Totals::default(), 0.0, normal_unit(&self.p))
    }

    fn metrics_with(&self, tot: &Totals, probe_load_per_slot: f32, unit: f32) -> Metrics {
        let t = self.minute;
        let e = self.expected(t);
        // After a step the main pass has counted them; otherwise (initial state, kills) count.
        let (alive, megas, max_load) = if tot.counted {
            (tot.alive_end as usize, tot.megas as usize, tot.max_load)
        } else {
            let (mut alive, mut megas, mut max_load) = (0usize, 0usize, 0.0f32);
            for (i, (&s, &l)) in self.state.iter().zip(&self.load).enumerate() {
                if s == state::ALIVE {
                    if i < self.n_ord { alive += 1 } else { megas += 1 }
                    max_load = max_load.max(l);
                }
            }
            (alive, megas, max_load)
        };
        // Normal traffic at a supernode for this time of day.
        let normal = self.p.peers as f64 / self.n_ord as f64 * self.diurnal(t) * f64::from(unit);
        let per_sn = if tot.alive > 0 { tot.offered / tot.alive as f64 } else { f64::from(probe_load_per_slot) };
        Metrics {
            t_min: t,
            online_peers: self.attached_total,
            expected_peers: e,
            supernodes_alive: alive as u32,
            mega_supernodes: megas as u32,
            mean_sn_load: if tot.alive > 0 { tot.load_sum / tot.alive as f64 } else { 0.0 },
            max_sn_load: f64::from(max_load),
            signalling_ratio: if normal > 0.0 { per_sn / normal } else { 0.0 },
            giant_component: self.gc,
            login_queue: self.login_queue,
            retrying_peers: self.retry_total,
            crashed_clients: self.down_total,
            im_delayed_share: self.im_delayed,
            accepted: tot.accepted,
            orphaned: tot.orphaned,
        }
    }
}

#[derive(Default)]
struct Totals {
    /// Whether the main pass filled `alive_end`, `megas` and `max_load`.
    counted: bool,
    alive_end: u64,
    megas: u64,
    max_load: f32,
    off: u64,
    crashed: u64,
    rebooted: u64,
    orphaned: u64,
    accepted: u64,
    alive: u64,
    offered: f64,
    load_sum: f64,
}

/// A live supernode that stops serving this minute (applied after the hot pass).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fail {
    i: u32,
    state: u8,
    cause: u8,
    until: u32,
    load: f32,
}

/// When a crashed client's user restarts it: exponential with the users' mean delay.
fn restart_at(t: u32, u: f32, mean_min: u32) -> u32 {
    let mean = f64::from(mean_min);
    let d = -libm::log((1.0 - f64::from(u)).max(1e-6)) * mean;
    t + d.min(4.0 * mean) as u32
}

fn frac(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// a × n / d without overflow, rounded down; 0 when d is 0.
fn mul_frac(a: u64, n: u64, d: u64) -> u64 {
    if d == 0 { 0 } else { (u128::from(a) * u128::from(n) / u128::from(d)).min(u128::from(a)) as u64 }
}
