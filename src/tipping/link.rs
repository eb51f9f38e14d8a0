//! The map's part of the address: `panel=tipping`, the two axes (`tx`, `ty`) and the outcome
//! shown (`tm`). Parsed with the rest of the URL (bad values become notices); written back by
//! the share module from the panel's current choice.

use std::cell::RefCell;

use overlay_sim::sweep::Axis;

/// What the map colours its cells by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Users' hours without service over the run (the default).
    Lost,
    /// The lowest share of expected users online after the trigger.
    Trough,
}

impl Outcome {
    pub const ALL: [Outcome; 2] = [Outcome::Lost, Outcome::Trough];
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Lost => "lost",
            Outcome::Trough => "trough",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Lost => "Users' hours lost",
            Outcome::Trough => "Users online at the worst moment",
        }
    }
    fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == s)
    }
}

/// The map as a link names it.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLink {
    /// The link points at the map (`panel=tipping`): the page scrolls to it, an embed shows it.
    pub open: bool,
    pub x: String,
    pub y: String,
    pub outcome: Outcome,
}

impl Default for MapLink {
    fn default() -> Self {
        MapLink { open: false, x: "buggy_share".into(), y: "capacity_headroom".into(), outcome: Outcome::Lost }
    }
}

impl MapLink {
    /// The query keys this part owns.
    pub const KEYS: [&'static str; 4] = ["panel", "tx", "ty", "tm"];

    /// Reads the map's keys from the query's pairs (the last of a repeated key wins). `bad`
    /// is told `(key, value, what was used)` for each rejected value.
    pub fn from_pairs(pairs: &[(String, String)], bad: &mut dyn FnMut(&str, &str, &str)) -> MapLink {
        let get = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let mut link = MapLink::default();
        match get("panel") {
            None => {}
            Some("tipping") => link.open = true,
            Some(v) => bad("panel", v, "no panel (the only one is tipping)"),
        }
        let axis = |key: &str, fallback: &str, bad: &mut dyn FnMut(&str, &str, &str)| match get(key) {
            Some(v) if Axis::SUGGESTED.contains(&v) => v.to_string(),
            Some(v) => {
                bad(key, v, &format!("{fallback} (one of {})", Axis::SUGGESTED.join(", ")));
                fallback.to_string()
            }
            None => fallback.to_string(),
        };
        link.x = axis("tx", &link.x, bad);
        link.y = axis("ty", &link.y, bad);
        if link.x == link.y {
            let d = MapLink::default();
            let other = if link.x == d.x { d.y } else { d.x };
            bad("ty", &link.y, &format!("{other} (the two axes must differ)"));
            link.y = other;
        }
        if let Some(v) = get("tm") {
            link.outcome = Outcome::parse(v).unwrap_or_else(|| {
                bad("tm", v, "lost (lost or trough)");
                Outcome::Lost
            });
        }
        link
    }

    /// The pairs a permalink carries: nothing unless the map is open, then the panel, both
    /// axes and a non-default outcome.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        if !self.open {
            return vec![];
        }
        let mut v = vec![("panel", "tipping".to_string()), ("tx", self.x.clone()), ("ty", self.y.clone())];
        if self.outcome != Outcome::Lost {
            v.push(("tm", self.outcome.name().to_string()));
        }
        v
    }
}

thread_local! {
    /// The map as shown now, for the permalink (written by the panel, read by `share`).
    static SHOWN: RefCell<MapLink> = RefCell::new(MapLink::default());
}

/// Records what the panel shows, for the next permalink.
pub fn set_shown(link: MapLink) {
    SHOWN.with(|s| *s.borrow_mut() = link);
}

/// `&panel=tipping&tx=…&ty=…` when the map is open, or "" (appended to the permalink's query).
pub fn query_suffix() -> String {
    SHOWN.with(|s| s.borrow().pairs().into_iter().map(|(k, v)| format!("&{k}={v}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> (MapLink, Vec<String>) {
        let pairs: Vec<(String, String)> = q.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.into(), v.into())).collect();
        let mut notices = vec![];
        let link = MapLink::from_pairs(&pairs, &mut |k, v, used| notices.push(format!("{k}: '{v}' → {used}")));
        (link, notices)
    }

    #[test]
    fn a_link_names_the_panel_axes_and_outcome_and_round_trips() {
        let (link, n) = parse("panel=tipping&tx=restart_delay_min&ty=buggy_share&tm=trough");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(link, MapLink { open: true, x: "restart_delay_min".into(), y: "buggy_share".into(), outcome: Outcome::Trough });
        let q: Vec<String> = link.pairs().into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(parse(&q.join("&")).0, link);
        assert_eq!(parse("").0, MapLink::default());
        assert!(MapLink::default().pairs().is_empty(), "a closed map adds nothing to the link");
    }

    #[test]
    fn bad_map_values_are_named_and_replaced() {
        for (q, key) in [("panel=nope", "panel"), ("tx=seed", "tx"), ("ty=%3Cb%3E", "ty"), ("tm=best", "tm"), ("tx=capacity_headroom", "ty")] {
            let (link, n) = parse(q);
            assert!(n.iter().any(|m| m.starts_with(key)), "{q}: {n:?}");
            assert_ne!(link.x, link.y, "{q}");
        }
    }
}
