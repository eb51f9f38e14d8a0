//! Every view is linkable: the URL follows the state (replaceState, throttled — never
//! pushState, so an embedding page's history is untouched), and the share panel copies the
//! permalink or an iframe snippet and downloads a PNG of the view or a CSV of the series.

use leptos::prelude::*;
use overlay_sim::Metrics;
use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app_state::AppState;
use crate::url;

/// At most one history.replaceState per this many milliseconds.
const URL_THROTTLE_MS: u32 = 400;

thread_local! {
    /// The embed keys this page keeps in its own address (set once, from its URL).
    static EMBED_KEYS: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Keeps `embed=1` and the other embed keys of `u` in this page's own address from now on.
pub fn keep_embed_keys(u: &url::UrlState) {
    EMBED_KEYS.with(|k| *k.borrow_mut() = url::embed_suffix(u));
}

/// The query that restores the current view, what-ifs included, for a link to the full page.
pub fn link_query(state: &AppState) -> String {
    // Where a seek in flight is going: a reload mid-way opens where the reader was headed.
    let (t, playing, speed) = (state.intended_minute(), state.playing.get_untracked(), state.speed.get_untracked());
    let (looping, step) = (state.looping.get_untracked(), state.story_step.get_untracked());
    let whatifs = state.acted.with_untracked(|log| crate::whatif::query_suffix(log));
    state.history.with_value(|h| url::to_query(h.scenario(), t, speed, playing, looping, step)) + &whatifs + &crate::tipping::query_suffix() + &crate::compare::query_suffix()
}

/// The query of this page's own address: the view, and the embed keys when embedded.
pub fn current_query(state: &AppState) -> String {
    link_query(state) + &EMBED_KEYS.with(|k| k.borrow().clone())
}

/// The page's address without its query.
fn base_href() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

pub fn permalink(state: &AppState) -> String {
    format!("{}?{}", base_href(), link_query(state))
}

/// Writes the state's query into the address bar (replaceState: the history is untouched).
fn write_url(state: AppState) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let q = format!("?{}", current_query(&state));
    if w.location().search().ok().as_deref() != Some(q.as_str()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&q));
    }
}

/// Keeps the address bar in step with the state, throttled.
pub fn sync_url(state: AppState) {
    let pending = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        // Track what the URL encodes.
        state.minute.track();
        state.progress.track();
        state.playing.track();
        state.speed.track();
        state.looping.track();
        state.revision.track();
        state.story_step.track();
        state.acted.track();
        if pending.with_value(Option::is_none) {
            pending.set_value(Some(Timeout::new(URL_THROTTLE_MS, move || {
                write_url(state);
                pending.try_set_value(None);
            })));
        }
    });
}

/// The iframe snippet for a blog post.
pub fn iframe_snippet(state: &AppState) -> String {
    let src = format!("{}?embed=1&{}", base_href(), link_query(state));
    format!(
        "<iframe src=\"{}\" title=\"Supernode Storm: the Skype outage of December 2010\" loading=\"lazy\" allow=\"fullscreen\" width=\"100%\" height=\"560\" style=\"border:0\"></iframe>",
        html_attr(&src)
    )
}

/// Escapes text for an HTML attribute value.
pub fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The series as CSV, one row per simulated minute.
pub fn series_csv(series: &[Metrics], clock: impl Fn(u32) -> String) -> String {
    let mut out = String::from("t_min,clock,online_peers,expected_peers,supernodes_alive,mega_supernodes,mean_sn_load,max_sn_load,signalling_ratio,giant_component,login_queue,retrying_peers,crashed_clients\n");
    for m in series {
        out.push_str(&format!(
            "{},{},{},{},{},{},{:.4},{:.4},{:.3},{:.4},{},{},{}\n",
            m.t_min, clock(m.t_min), m.online_peers, m.expected_peers, m.supernodes_alive, m.mega_supernodes, m.mean_sn_load, m.max_sn_load,
            m.signalling_ratio, m.giant_component, m.login_queue, m.retrying_peers, m.crashed_clients
        ));
    }
    out
}

/// Saves `href` as a download named `name`.
fn download(href: &str, name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(a) = doc.create_element("a") else { return };
    let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() else { return };
    a.set_href(href);
    a.set_download(name);
    a.click();
}

fn copy_text(text: String, state: AppState, what: &'static str) {
    let Some(w) = web_sys::window() else { return };
    let promise = w.navigator().clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => state.notify(format!("{what} copied.")),
            Err(_) => state.notify(format!("Could not copy the {what}: select it in the share panel and copy it by hand.")),
        }
    });
}

/// Copy the permalink or the iframe snippet; download a PNG of the view or the series as CSV.
#[component]
pub fn SharePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let link = move || {
        state.minute.track();
        state.revision.track();
        state.acted.track();
        permalink(&state)
    };
    let snippet = move || {
        state.minute.track();
        state.revision.track();
        state.acted.track();
        iframe_snippet(&state)
    };
    let map = || {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("canvas.stage").ok().flatten())
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
    };
    let png = move |_| match map().and_then(|c| c.to_data_url().ok()) {
        Some(data) => download(&data, &format!("supernode-storm-{}.png", state.minute.get_untracked())),
        None => state.notify("Could not capture the view."),
    };
    // The map with the clock, the scenario, a legend and the source line under it.
    let captioned = move |_| {
        let m = state.minute.get_untracked();
        let (title, clock) = state.history.with_value(|h| (h.scenario().title.clone(), crate::player::pretty_clock(&h.world().clock_label(m))));
        match map().and_then(|c| crate::view::captioned::captioned_png(&c, &title, &clock, &base_href())) {
            Some(data) => download(&data, &format!("supernode-storm-{m}-captioned.png")),
            None => state.notify("Could not capture the view."),
        }
    };
    let csv = move |_| {
        let text = state.history.with_value(|h| series_csv(h.series(), |t| h.world().clock_label(t)));
        let parts = js_sys::Array::of1(&JsValue::from_str(&text));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("text/csv");
        let url = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).ok().and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
        match url {
            Some(u) => {
                download(&u, "supernode-storm-series.csv");
                let _ = web_sys::Url::revoke_object_url(&u);
            }
            None => state.notify("Could not build the CSV."),
        }
    };
    view! {
        <details class="share">
            <summary>"Share & embed"</summary>
            <label>"Link to this view"
                <input type="text" readonly data-testid="permalink" prop:value=link/>
            </label>
            <button type="button" data-testid="copy-link" on:click=move |_| copy_text(permalink(&state), state, "link")>"Copy link"</button>
            <label>"Embed in a page"
                <textarea readonly rows="3" data-testid="embed-snippet" prop:value=snippet></textarea>
            </label>
            <button type="button" data-testid="copy-embed" on:click=move |_| copy_text(iframe_snippet(&state), state, "embed code")>"Copy embed code"</button>
            <button type="button" data-testid="download-png" on:click=png>"Download PNG"</button>
            <button type="button" data-testid="download-png-captioned" on:click=captioned>"PNG with caption"</button>
            <button type="button" data-testid="download-csv" on:click=csv>"Download CSV"</button>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_row_per_minute_and_attributes_are_escaped() {
        let rows = vec![Metrics { t_min: 1, ..Metrics::default() }, Metrics { t_min: 2, ..Metrics::default() }];
        let csv = series_csv(&rows, |t| format!("T{t}"));
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.lines().nth(2).is_some_and(|l| l.starts_with("2,T2,")));
        assert_eq!(html_attr("a\"<b>&"), "a&quot;&lt;b&gt;&amp;");
    }
}
