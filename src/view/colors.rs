//! The palette: Okabe–Ito hues for roles and events, viridis for load (both colour-blind safe).
//! Every role also has its own shape, so colour is never the only cue.

pub const BACKGROUND: &str = "#0b1020";
pub const BACKGROUND_RGB: [u8; 3] = [0x0b, 0x10, 0x20];
/// Ordinary peers (dots, halos).
pub const PEER: &str = "#9fb3c8";
pub const PEER_RGB: [u8; 3] = [0x9f, 0xb3, 0xc8];
/// Supernode fill by load/capacity (viridis), from idle to full.
pub const LOAD_FILLS: [&str; 4] = ["#3b528b", "#21918c", "#5ec962", "#fde725"];
pub const LOAD_RGB: [[u8; 3]; 4] = [[0x3b, 0x52, 0x8b], [0x21, 0x91, 0x8c], [0x5e, 0xc9, 0x62], [0xfd, 0xe7, 0x25]];
/// Overloaded (load above capacity) ring, overload shutdown (broken ring): vermillion.
pub const OVERLOAD: &str = "#d55e00";
pub const OVERLOAD_RGB: [u8; 3] = [0xd5, 0x5e, 0x00];
/// Crashed on the bug (a cross): grey, after a white flash.
pub const CRASHED: &str = "#8a93a6";
pub const CRASHED_RGB: [u8; 3] = [0x6a, 0x72, 0x84];
/// Promoting or restarting (small dashed ring).
pub const PROMOTING: &str = "#cfd6e6";
pub const PROMOTING_RGB: [u8; 3] = [0x8a, 0x90, 0xa0];
/// Coming back (a green ring closing in).
pub const RECOVER: &str = "#009e73";
/// Login servers (square): sky blue. Offline-IM servers (diamond): reddish purple.
pub const LOGIN: &str = "#56b4e9";
pub const IM: &str = "#cc79a7";
/// Mega-supernodes (hexagon): orange.
pub const MEGA: &str = "#e69f00";
/// Particles: peers looking for a new supernode, peers storming the login servers, peers
/// sent to a mega-supernode.
pub const FLOW_ORPHAN: &str = "#56b4e9";
pub const FLOW_LOGIN: &str = "#f0e442";
pub const FLOW_MEGA: &str = "#e69f00";
/// Cache groups: a faint outline when healthy, yellow in a storm (down: `OVERLOAD`,
/// recovering: `RECOVER`).
pub const GROUP_HEALTHY: &str = "rgba(150, 170, 210, 0.35)";
pub const GROUP_STORM: &str = "#f0e442";
/// Mesh links.
pub const EDGE: &str = "rgba(150, 170, 210, 0.16)";
pub const TEXT: &str = "#e8ecf4";
pub const MUTED: &str = "#9aa3b5";
/// Story highlight rings.
pub const HIGHLIGHT: &str = "#ffffff";

/// Which of `LOAD_FILLS` a supernode with this load (load / capacity) is drawn in.
pub fn load_bucket(load: f32) -> usize {
    if load.is_nan() || load < 0.25 {
        0
    } else if load < 0.5 {
        1
    } else if load < 0.75 {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::load_bucket;

    #[test]
    fn load_buckets_are_ordered_and_total() {
        assert_eq!(load_bucket(0.0), 0);
        assert_eq!(load_bucket(0.3), 1);
        assert_eq!(load_bucket(0.6), 2);
        assert_eq!(load_bucket(0.9), 3);
        assert_eq!(load_bucket(100.0), 3);
        assert_eq!(load_bucket(f32::NAN), 0);
        assert_eq!(load_bucket(-1.0), 0);
    }
}
