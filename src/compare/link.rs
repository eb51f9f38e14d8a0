//! The comparison's part of the address: `compare=DESIGN`. Parsed with the rest of the URL (a
//! bad value becomes a notice); written back by the share module.

use std::cell::Cell;

use overlay_sim::Design;

/// The query keys this part owns.
pub const KEYS: [&str; 1] = ["compare"];

/// Reads `compare` from the query's pairs (the last one wins). `bad` is told `(key, value,
/// what was used)` for a value that names no design.
pub fn from_pairs(pairs: &[(String, String)], bad: &mut dyn FnMut(&str, &str, &str)) -> Option<Design> {
    let v = pairs.iter().rev().find(|(k, _)| k == "compare").map(|(_, v)| v.as_str())?;
    if v.is_empty() || v == "none" {
        return None;
    }
    Design::parse(v).or_else(|| {
        bad("compare", v, &format!("no comparison (one of {})", Design::NAMES.join(", ")));
        None
    })
}

thread_local! {
    /// The design compared now, for the permalink (set once when the page starts).
    static SHOWN: Cell<Option<Design>> = const { Cell::new(None) };
}

pub(super) fn set_shown(d: Option<Design>) {
    SHOWN.with(|s| s.set(d));
}

/// `&compare=DESIGN` while comparing, or "" (appended to the permalink's query).
pub fn query_suffix() -> String {
    SHOWN.with(Cell::get).map(|d| format!("&compare={}", d.name())).unwrap_or_default()
}

/// `query` (a permalink's, without '?') comparing with `design` instead (or with nothing).
pub fn with_compare(query: &str, design: Option<Design>) -> String {
    let mut parts: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("compare=")).collect();
    let pair = design.map(|d| format!("compare={}", d.name()));
    if let Some(p) = &pair {
        parts.push(p);
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> (Option<Design>, Vec<String>) {
        let pairs: Vec<(String, String)> = q.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.into(), v.into())).collect();
        let mut notices = vec![];
        let d = from_pairs(&pairs, &mut |k, v, used| notices.push(format!("{k}: '{v}' → {used}")));
        (d, notices)
    }

    #[test]
    fn a_link_names_the_design_and_a_bad_one_is_named_back() {
        assert_eq!(parse("compare=dedicated-2012"), (Some(Design::Dedicated2012), vec![]));
        assert_eq!(parse("scenario=dec-2010"), (None, vec![]));
        let (d, n) = parse("compare=ring");
        assert_eq!(d, None);
        assert!(n.len() == 1 && n[0].starts_with("compare: 'ring'") && n[0].contains("dht"), "{n:?}");
    }

    #[test]
    fn the_picker_swaps_the_compared_design_in_a_query() {
        assert_eq!(with_compare("scenario=dec-2010&compare=dht&t=5", Some(Design::Central)), "scenario=dec-2010&t=5&compare=central");
        assert_eq!(with_compare("scenario=dec-2010&compare=dht", None), "scenario=dec-2010");
    }
}
