//! This browser's saved runs (IndexedDB): a real-scale run saves itself every
//! [`SAVE_EVERY_MIN`] minutes it computes ([`overlay_sim::History::save`]), so reopening its
//! link — a reload, a permalink shared across tabs — takes the run up at the last saved minute
//! at or before the link's and computes only the rest. Only the newest run's last few points
//! are kept. Storage that is missing or refused (a private window, a sandboxed iframe) costs
//! nothing but the time: the run is computed from the start, as without it. The site also ships
//! points of the stories' runs (`overlay_sim::resume::SHIPPED_RUNS`), so a first visit's link
//! into them computes at most [`overlay_sim::resume::SHIPPED_EVERY_MIN`] minutes.

use std::cell::RefCell;

use js_sys::{Array, Promise, Uint8Array};
use overlay_sim::resume::shipped_point;
use overlay_sim::{run_id, Scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode, ReadableStream, ReadableWritablePair, Response, WritableStream};

/// A heavy run is saved each time it has computed this many minutes more (at real scale on a
/// desktop, about a second at the fastest speed): a reopened link computes fewer than this.
pub const SAVE_EVERY_MIN: u32 = 240;
/// Saved points kept (of the newest run only): a link a little behind the newest still finds one.
const KEEP: usize = 6;
const DB: &str = "supernode-storm";
const STORE: &str = "saved-runs";

/// The key of a run's point at `minute`: keys of one run sort by minute.
fn key(scenario: &Scenario, minute: u32) -> String {
    format!("{}/{minute:05}", run_prefix(scenario))
}
fn run_prefix(scenario: &Scenario) -> String {
    format!("{:016x}", run_id(scenario))
}
fn minute_of(key: &str) -> Option<u32> {
    key.rsplit('/').next()?.parse().ok()
}

/// A request's result, once it succeeds.
async fn result(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let done = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await?;
    req.result()
}

thread_local! {
    /// The database, once open (one connection for the page's life).
    static OPENED: RefCell<Option<IdbDatabase>> = RefCell::default();
}

async fn open() -> Result<IdbDatabase, JsValue> {
    if let Some(db) = OPENED.with_borrow(Clone::clone) {
        return Ok(db);
    }
    let factory = web_sys::window().ok_or(JsValue::NULL)?.indexed_db()?.ok_or(JsValue::NULL)?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, 1)?;
    let upgrade = Closure::once_into_js(move |e: web_sys::Event| {
        let db = e.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()).and_then(|r| r.result().ok());
        if let Some(db) = db.and_then(|d| d.dyn_into::<IdbDatabase>().ok()) {
            let _ = db.create_object_store(STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = result(&req).await?.dyn_into()?;
    OPENED.with_borrow_mut(|o| *o = Some(db.clone()));
    Ok(db)
}

/// The saved keys, as strings.
async fn keys(db: &IdbDatabase) -> Result<Vec<String>, JsValue> {
    let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
    let all: Array = result(&store.get_all_keys()?).await?.dyn_into()?;
    Ok(all.iter().filter_map(|k| k.as_string()).collect())
}

/// The bytes of `scenario`'s run at the latest point at or before `minute` that this browser
/// saved or the site ships (`overlay_sim::resume::shipped_point`), whichever is later. The
/// shipped point is fetched while the browser's storage is read.
pub async fn find(scenario: &Scenario, minute: u32) -> Option<Vec<u8>> {
    let shipped = shipped_point(scenario, minute).and_then(|(path, m)| Some((web_sys::window()?.fetch_with_str(&path), m)));
    let saved = saved(scenario, minute).await;
    match (saved, shipped) {
        (Some((m, bytes)), Some((_, at))) if m >= at => Some(bytes),
        (saved, Some((fetching, _))) => match fetched(fetching).await {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                web_sys::console::warn_2(&"The site's saved point of this run could not be fetched:".into(), &e);
                saved.map(|(_, b)| b)
            }
        },
        (saved, None) => saved.map(|(_, b)| b),
    }
}

/// The bytes a shipped point's fetch brings, gunzipped (`tools/run_points.py` gzips them; a host
/// that serves them with `Content-Encoding: gzip` has the browser do it).
async fn fetched(fetching: Promise) -> Result<Vec<u8>, JsValue> {
    let resp: Response = JsFuture::from(fetching).await?.dyn_into()?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()).into());
    }
    let body = Uint8Array::new(&JsFuture::from(resp.array_buffer()?).await?);
    if body.length() < 2 || body.get_index(0) != 0x1f || body.get_index(1) != 0x8b {
        return Ok(body.to_vec());
    }
    let gunzip = DecompressionStream::new("gzip")?;
    let stream = Response::new_with_opt_buffer_source(Some(&body))?.body().ok_or("no body")?;
    let out = stream.pipe_through(&ReadableWritablePair::new(&gunzip.readable(), &gunzip.writable()));
    let bytes = JsFuture::from(Response::new_with_opt_readable_stream(Some(&out))?.array_buffer()?).await?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

#[wasm_bindgen]
extern "C" {
    /// The browser's gunzip (web-sys has it only behind its unstable APIs).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
}

/// This browser's saved point of `scenario`'s run at the latest minute at or before `minute`.
async fn saved(scenario: &Scenario, minute: u32) -> Option<(u32, Vec<u8>)> {
    let found: Result<Option<(u32, Vec<u8>)>, JsValue> = async {
        let db = open().await?;
        let prefix = run_prefix(scenario);
        let best = keys(&db).await?.into_iter().filter(|k| k.starts_with(&prefix)).filter_map(|k| minute_of(&k).filter(|&m| m <= minute)).max();
        let Some(m) = best else { return Ok(None) };
        let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
        let bytes = result(&store.get(&key(scenario, m).into())?).await?;
        Ok(bytes.dyn_into::<Uint8Array>().ok().map(|b| (m, b.to_vec())))
    }
    .await;
    found.ok().flatten()
}

/// Saves `bytes`, `scenario`'s run at `minute`, then forgets all but the newest points of this
/// run. In the background; a failure only means the next visit computes more.
pub fn store(scenario: &Scenario, minute: u32, bytes: Vec<u8>) {
    let (k, prefix) = (key(scenario, minute), run_prefix(scenario));
    wasm_bindgen_futures::spawn_local(async move {
        let saved: Result<(), JsValue> = async {
            let db = open().await?;
            let store = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?.object_store(STORE)?;
            result(&store.put_with_key(&Uint8Array::from(&bytes[..]), &k.as_str().into())?).await?;
            drop(bytes);
            let mut ours: Vec<String> = vec![];
            let mut others: Vec<String> = vec![];
            for key in keys(&db).await? {
                if key.starts_with(&prefix) { ours.push(key) } else { others.push(key) }
            }
            ours.sort_by_key(|k| std::cmp::Reverse(minute_of(k)));
            let store = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?.object_store(STORE)?;
            for old in others.iter().chain(ours.iter().skip(KEEP)) {
                store.delete(&old.as_str().into())?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = saved {
            web_sys::console::warn_2(&"The run could not be saved in this browser:".into(), &e);
        }
    });
}
