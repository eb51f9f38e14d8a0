//! The model's minute allocates nothing of its own once its buffers have grown: a browser steps
//! thousands of real-scale minutes for a deep link, and every per-minute allocation is work and
//! garbage for the allocator. What is left: the minute's event list, which the caller receives
//! (grown by doubling), the reused buffers growing to a new largest minute, and the giant
//! component's union-find (petgraph's, built afresh), which at real scale runs on ten-minute ticks.

use overlay_sim::{Inputs, Scale, Scenario, World};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.realloc(p, l, n)
    }
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn a_real_scale_minute_allocates_only_its_event_list() {
    let sc = Scenario::preset_at("dec-2010", Scale::Real).expect("preset");
    let mut w = World::new(&sc);
    let inputs = Inputs::default();
    let minutes = 24 * 60u32;
    let (mut extra, mut worst) = (0, (0, 0, 0));
    for minute in 1..=minutes {
        let before = ALLOCS.load(Ordering::Relaxed);
        let r = w.step(&inputs);
        let n = ALLOCS.load(Ordering::Relaxed) - before;
        // A list of `len` events took at most 1 + log2(len) allocations to grow.
        let events = r.events.len();
        let list = if events == 0 { 0 } else { 1 + (usize::BITS - events.leading_zeros()) as usize };
        let over = n.saturating_sub(list);
        extra += over;
        if over > worst.1 {
            worst = (minute, over, events);
        }
    }
    // Three arrays per union-find pass (at most one every ten minutes), and a few dozen growths
    // of the reused buffers over a day. One allocation a minute more would be 1,440.
    let allowed = 3 * minutes as usize / 10 + 48;
    assert!(extra <= allowed, "{extra} allocations besides the event lists in {minutes} minutes (allowed {allowed}); the most in one minute: {worst:?} (minute, allocations, events)");
}
