//! Stage 5: the peers of each neighbourhood move between pools.
//!
//! Clients that got through are connected; those that tried and failed back off one level;
//! users run out of patience and give up for now, coming back later — or not until tomorrow,
//! as the evening takes them offline first. Crashed clients come back when their users restart
//! them; every returning client signs in at the login servers first. New users sign in as
//! their region's day begins, and log off as it ends.

use super::{share, Ctx, GroupMinute};
use crate::world::{World, LEVELS};

/// Share of orphans a minute who notice their supernode is gone (keep-alives every ~30 s,
/// a few missed before a client gives up on its supernode: ~2.5 minutes on average).
const NOTICE_PER_MIN: f64 = 0.4;
/// Mean minutes a rebooting host (patch day) takes to come back.
const REBOOT_MIN: f64 = 5.0;

impl World {
    pub(super) fn settle_peers(&mut self, ctx: &Ctx, gm: &[GroupMinute]) {
        let want_global: f64 = gm.iter().map(|m| m.want_global).sum();
        let joined_global: f64 = gm.iter().map(|m| m.joined_global_here).sum();
        let give_up = 1.0 / f64::from(self.p.patience_min.max(1));
        let rest_back = 1.0 / f64::from(self.p.rest_min.max(1));
        let restart = 1.0 / f64::from(self.p.user_restart_min.max(1));
        let h = f64::from(ctx.h_client);
        let joined_of = |w: &World, g: usize| w.joined_of(g, gm, joined_global, want_global);
        // Supernodes take whole clients, while the pools hold fractions of them: in a small
        // network a minute's joins can pass the clients who were looking. So that nobody is
        // counted twice, as many users log off again, where those joins were made.
        let made = |m: &GroupMinute| m.joined_mega + m.joined_here + m.joined_global_here;
        let taken: f64 = (0..gm.len()).map(|g| joined_of(self, g).min(gm[g].through.iter().sum())).sum();
        let made_all: f64 = gm.iter().map(made).sum();
        let surplus = (made_all - taken).max(0.0);
        for (g, m) in gm.iter().enumerate() {
            let e = self.expected_in(g, ctx.t);
            let joined = joined_of(self, g);
            let surplus = share(surplus, made(m), made_all);
            let gr = &mut self.groups[g];
            let b_att = if gr.attached > 0.0 { (gr.attached_buggy / gr.attached).min(1.0) } else { 0.0 };
            let through: f64 = m.through.iter().sum();
            let fill = if through > 0.0 { (joined / through).min(1.0) } else { 0.0 };
            let before = gr.retrying();
            let b_retry = if before > 0.0 { (gr.retry_buggy / before).min(1.0) } else { 0.0 };
            let quit = back_off(&mut gr.retry, m, fill, give_up);
            // Retrying 5.0.0.152 clients crash on late replies too.
            let crashed_retrying = gr.retry_buggy * h;
            scale_levels(&mut gr.retry, crashed_retrying);
            gr.retry_buggy = (gr.retry_buggy - (joined + quit) * b_retry - crashed_retrying).max(0.0);
            gr.resting += quit;
            gr.resting_buggy += quit * b_retry;
            // Connected: recount, and carry the buggy share through the flows.
            // Orphans notice the loss over the next keep-alive rounds, then retry.
            let orphaned = m.orphaned as f64;
            gr.noticing += orphaned;
            gr.noticing_buggy += orphaned * b_att;
            let noticed = gr.noticing * NOTICE_PER_MIN;
            let noticed_b = share(gr.noticing_buggy, noticed, gr.noticing);
            gr.noticing -= noticed;
            gr.noticing_buggy = (gr.noticing_buggy - noticed_b).max(0.0);
            gr.retry[0] += noticed;
            gr.retry_buggy += noticed_b;
            let left = m.left as f64 + m.rebooted as f64 + orphaned;
            gr.attached_buggy = (gr.attached_buggy + joined * b_retry - left * b_att - m.crashed as f64).clamp(0.0, m.attached as f64);
            gr.attached = m.attached as f64;
            // Crashed and rebooting clients come back through the login servers.
            gr.down += m.crashed as f64 + crashed_retrying;
            let back = gr.down * restart;
            gr.down -= back;
            gr.rebooting += m.rebooted as f64;
            let rebooted_back = gr.rebooting / REBOOT_MIN;
            gr.rebooting -= rebooted_back;
            let rested = gr.resting * rest_back;
            let rested_b = share(gr.resting_buggy, rested, gr.resting);
            gr.resting -= rested;
            gr.resting_buggy = (gr.resting_buggy - rested_b).max(0.0);
            gr.login += back + rebooted_back + rested;
            gr.login_buggy += back + rebooted_back * b_att + rested_b;
            self.follow_the_day(g, ctx.t, e, surplus);
        }
    }


    /// The day's demand in one neighbourhood. Sessions end at the normal rate from every pool
    /// (connected clients in the supernode pass); new users sign in to replace them and as their
    /// region's day begins. As it ends, users log off — those who gave up first, then those
    /// still trying, then connected ones (next minute). Flows, not a fill: users who found
    /// service in another neighbourhood stay counted there.
    fn follow_the_day(&mut self, g: usize, t: u32, e: f64, surplus: f64) {
        let (e_prev, churn) = (self.expected_in(g, t.saturating_sub(1)), self.session_churn());
        let gr = &mut self.groups[g];
        for (n, nb) in [(&mut gr.resting, &mut gr.resting_buggy), (&mut gr.login, &mut gr.login_buggy)] {
            *nb -= *nb * churn;
            *n -= *n * churn;
        }
        gr.retry_buggy -= gr.retry_buggy * churn;
        let ended = gr.retrying() * churn;
        scale_levels(&mut gr.retry, ended);
        gr.down -= gr.down * churn;
        let rise = e - e_prev;
        let new = e * churn + rise.max(0.0);
        gr.login += new;
        gr.login_buggy += new * gr.buggy_share;
        let mut go = if e > 0.0 { (-rise).max(0.0) * gr.wanting() / e } else { 0.0 } + surplus.max(0.0);
        let r = gr.resting.min(go);
        gr.resting_buggy = (gr.resting_buggy - share(gr.resting_buggy, r, gr.resting)).max(0.0);
        gr.resting -= r;
        go -= r;
        let retrying = gr.retrying();
        let r = retrying.min(go);
        gr.retry_buggy = (gr.retry_buggy - share(gr.retry_buggy, r, retrying)).max(0.0);
        scale_levels(&mut gr.retry, r);
        go -= r;
        let r = gr.login.min(go);
        gr.login_buggy = (gr.login_buggy - share(gr.login_buggy, r, gr.login)).max(0.0);
        gr.login -= r;
        go -= r;
        gr.off_extra = if gr.attached > 0.0 { (go / gr.attached).min(1.0) } else { 0.0 };
    }

    /// Joined: group `g`'s clients that found room, wherever they found it.
    fn joined_of(&self, g: usize, gm: &[GroupMinute], joined_global: f64, want_global: f64) -> f64 {
        let m = &gm[g];
        m.joined_mega + m.want_local * fill_of(m) + self.joined_near(g, gm) + share(joined_global, m.want_global, want_global)
    }

    /// Joins this group's clients made at its neighbours' supernodes: each neighbour filled
    /// the same share of everything offered to it.
    fn joined_near(&self, g: usize, gm: &[GroupMinute]) -> f64 {
        let (near_acc, _) = self.near_totals(g);
        if near_acc <= 0.0 {
            return 0.0;
        }
        self.groups[g].near.iter().map(|&h| gm[g].want_near * f64::from(self.groups[h as usize].accepting) / near_acc * fill_of(&gm[h as usize])).sum()
    }

    /// Chance a minute that a user's session ends.
    pub(crate) fn session_churn(&self) -> f64 {
        1.0 / f64::from(self.p.session_min.max(1))
    }
}

/// Removes `n` clients from the levels in proportion.
fn scale_levels(levels: &mut [f64; LEVELS], n: f64) {
    let total: f64 = levels.iter().sum();
    if total <= 0.0 || n <= 0.0 {
        return;
    }
    let keep = (1.0 - n / total).max(0.0);
    for x in levels.iter_mut() {
        *x *= keep;
    }
}

/// Share of the joins offered at a group's supernodes (its own clients' and its neighbours')
/// that were made.
fn fill_of(m: &GroupMinute) -> f64 {
    let offered = m.want_local + m.inbound;
    if offered > 0.0 { (m.joined_here / offered).min(1.0) } else { 0.0 }
}

/// One minute of back-off across the levels: those who tried leave their level, failures move
/// one level up (the top level keeps its own), and users above level 0 give up at the patience
/// rate. Returns how many gave up.
fn back_off(retry: &mut [f64; LEVELS], m: &GroupMinute, fill: f64, give_up: f64) -> f64 {
    let (mut carry, mut quit) = (0.0, 0.0);
    for k in 0..LEVELS {
        let tried = m.tried[k].min(retry[k]);
        let failed = (tried - m.through[k] * fill).max(0.0);
        retry[k] += carry - tried;
        carry = failed;
        if k + 1 == LEVELS {
            retry[k] += failed;
        }
        if k > 0 {
            let q = retry[k] * give_up;
            retry[k] -= q;
            quit += q;
        }
    }
    quit
}
