//! The guided stories: a few plain-language steps, each tied to a minute of the run, to what
//! the view should highlight and to a named source (MODEL-FACTS.md). A step moves the clock
//! there; the reader can leave the story at any time, and it ends in the sandbox.

use leptos::prelude::*;
use overlay_sim::SlotState;

use crate::app_state::{AppState, Highlight};
use crate::clock::{use_clock, Clock, PlayerCommand};
use crate::url::UrlState;

/// What the view should point at during a step (a plain enum so the steps can be `const`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Focus {
    None,
    Alive,
    ImServers,
    Crashed,
    Shutdown,
    Chart(&'static str),
    LoginServers,
    Megas,
}

impl Focus {
    fn highlight(self) -> Option<Highlight> {
        Some(match self {
            Focus::None => return None,
            Focus::Alive => Highlight::States(vec![SlotState::Alive]),
            Focus::ImServers => Highlight::ImServers,
            Focus::Crashed => Highlight::Crashed,
            Focus::Shutdown => Highlight::States(vec![SlotState::Shutdown]),
            Focus::Chart(c) => Highlight::Chart(c),
            Focus::LoginServers => Highlight::LoginServers,
            Focus::Megas => Highlight::MegaSupernodes,
        })
    }
}

/// One step: the minute it shows, a title, a paragraph and where the facts come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub minute: u32,
    pub title: &'static str,
    pub body: &'static str,
    pub source: &'static str,
    pub focus: Focus,
}

/// A story for one scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Story {
    pub scenario: &'static str,
    pub title: &'static str,
    pub steps: &'static [Step],
}

/// The current step (0-based; None = not in the story). `AppState::story_step` mirrors it 1-based.
#[derive(Clone, Copy)]
pub struct StoryStep(pub RwSignal<Option<usize>>);

pub const STORY_DEC_2010: Story = Story {
    scenario: "dec-2010",
    title: "22 December 2010, step by step",
    steps: &[
        Step {
            minute: 240,
            title: "A network run by its users",
            body: "16:00 UTC, a Wednesday before Christmas: about 23 million people are signed in to Skype, a normal daily peak. \
                   Skype's own servers only check logins. Presence, search and setting up calls are done by supernodes — \
                   ordinary users' computers with a public address and spare bandwidth, promoted without being asked. \
                   About 48,000 of them each look after several hundred clients.",
            source: "Baset & Schulzrinne, INFOCOM 2006; Kortchinsky 2012; Skype IT Administrators Guide",
            focus: Focus::Alive,
        },
        Step {
            minute: 270,
            title: "A cluster of servers falls behind",
            body: "Around 16:30 a cluster of Skype's support servers for offline instant messages becomes overloaded and \
                   starts answering late. On its own that would only delay some chat messages.",
            source: "Lars Rabbe (Skype CIO), post-mortem, 29 Dec 2010",
            focus: Focus::ImServers,
        },
        Step {
            minute: 276,
            title: "A bug turns slow replies into crashes",
            body: "Skype for Windows 5.0.0.152, run by about half of all users, mishandles the late replies and crashes. \
                   About 40% of those clients go down — some 20% of all users. Other versions, Mac and mobile were not affected. \
                   Among the crashed computers are 25–30% of the publicly available supernodes.",
            source: "Rabbe's post-mortem",
            focus: Focus::Crashed,
        },
        Step {
            minute: 282,
            title: "The survivors are swamped",
            body: "Every client whose supernode vanished tries to reconnect, and users restart their crashed Skype. \
                   Losing a quarter of the supernodes would by itself raise the load on the rest by only a third \
                   (1 / (1 − 0.25) = 1.33×, our arithmetic); the reconnect storm brings them about 100 times their normal load. \
                   A built-in safeguard shuts a supernode down when its load is excessive, to protect its host — orphaning its clients too.",
            source: "Rabbe's post-mortem (≈100×); the 1.33× is our arithmetic",
            focus: Focus::Shutdown,
        },
        Step {
            minute: 300,
            title: "The cascade: the mesh falls apart",
            body: "Each shutdown sends more clients to the few survivors, which then shut down in turn: a feedback loop. \
                   Within about twenty minutes of the trigger the supernodes no longer form one connected network. \
                   Theory predicts this: a random network loses its giant component once enough nodes are gone, \
                   and overload can cascade from a small start.",
            source: "Molloy–Reed; Cohen, Erez, ben-Avraham & Havlin, PRL 2000; Motter & Lai, PRE 2002",
            focus: Focus::Chart("giant"),
        },
        Step {
            minute: 600,
            title: "Hours in the dark",
            body: "A restarted supernode takes a while before it is usable, and each one that comes back is swamped at once. \
                   The login servers still work, but a signed-in client without a supernode has no service: \
                   the central part of the system cannot stand in for the missing supernodes. For most users Skype stays down through the night.",
            source: "Rabbe's post-mortem; Baset & Schulzrinne 2006",
            focus: Focus::LoginServers,
        },
        Step {
            minute: 960,
            title: "Skype brings its own supernodes",
            body: "Skype's engineers run supernode software on the company's own servers — repurposed group-video and offline-IM machines — \
                   creating hundreds of \"mega-supernodes\", added in waves, and switch group video off to cut the load. \
                   Unlike users' computers, these do not shut themselves down.",
            source: "Rabbe's post-mortem; Kortchinsky 2012 (by 2012 Skype ran its supernodes itself)",
            focus: Focus::Megas,
        },
        Step {
            minute: 1080,
            title: "The network heals",
            body: "Around a stable core, orphaned clients reconnect, users' supernodes come back and stay up, and the load falls to normal. \
                   In this model service recovers within hours of the first wave; in reality many users were without service for about 24 hours, \
                   and Skype reported full service on 24 December.",
            source: "Rabbe's post-mortem",
            focus: Focus::Chart("online"),
        },
        Step {
            minute: 265,
            title: "Your turn",
            body: "Was it the bug, the safeguard or the reconnect storm? The clock is back at 16:25, just before the trigger. \
                   In the sandbox, give supernodes more headroom, switch retries to exponential back-off, turn the safeguard off, \
                   kill the busiest supernode or bring mega-supernodes earlier — then press play and compare the new future with the faint ghost of the original.",
            source: "",
            focus: Focus::None,
        },
    ],
};

pub const STORY_AUG_2007: Story = Story {
    scenario: "aug-2007",
    title: "16 August 2007, step by step",
    steps: &[
        Step {
            minute: 30,
            title: "An ordinary Thursday",
            body: "Some 5–6 million people are typically online in 2007. The network works as in 2010: \
                   Skype's servers handle logins, users' supernodes do the rest.",
            source: "AP 2007; Baset & Schulzrinne 2006",
            focus: Focus::Alive,
        },
        Step {
            minute: 60,
            title: "Everyone restarts at once",
            body: "After a Windows Update patch day, a huge number of computers restart and their Skype clients all sign in again. \
                   The flood of log-in requests hits a network already short of supernode resources, and a chain reaction begins.",
            source: "Skype's statement, August 2007",
            focus: Focus::LoginServers,
        },
        Step {
            minute: 90,
            title: "A network that cannot heal itself",
            body: "A previously unseen bug in the network's resource allocation algorithm keeps the peer-to-peer network from healing. \
                   Measurements during the outage showed about 3× the signalling traffic and clients contacting about 10× more peers.",
            source: "Skype's statement; Rossi, Mellia & Meo, \"Evidences behind Skype outage\", ICC 2009",
            focus: Focus::Chart("signalling"),
        },
        Step {
            minute: 2400,
            title: "The fix",
            body: "Skype was unavailable for most users for about two days, until a fix changed how clients retry. \
                   Here the clients switch to a calmer retry policy and the supernodes can finally come back.",
            source: "Skype's statement; Rossi et al. 2009",
            focus: Focus::Chart("online"),
        },
        Step {
            minute: 55,
            title: "Your turn",
            body: "The clock is back just before the reboots. In the sandbox, switch the retry policy to exponential back-off \
                   or give supernodes more headroom, press play, and see whether the network still falls.",
            source: "",
            focus: Focus::None,
        },
    ],
};

/// The story told for a scenario, if any.
pub fn story_for(scenario: &str) -> Option<Story> {
    [STORY_DEC_2010, STORY_AUG_2007].into_iter().find(|s| s.scenario == scenario)
}

/// One line of live numbers, so the text can be checked against the model at that moment.
fn live_line(state: AppState) -> String {
    let m = state.metrics();
    format!(
        "In the model now: {:.0}% of expected users have service · {} supernodes serving · {} mega-supernodes · signalling {:.1}× normal",
        m.online_fraction() * 100.0,
        m.supernodes_alive,
        m.mega_supernodes,
        m.signalling_ratio
    )
}

/// Moves the clock to a step and points the view at what it talks about.
fn show(state: AppState, clock: Clock, step: &Step) {
    clock.send(PlayerCommand::Seek(step.minute));
    state.highlight.set(step.focus.highlight());
}

/// Focuses the sandbox panel (the story's last step invites the reader there).
fn open_sandbox() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("sandbox")) {
        el.scroll_into_view();
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

/// The story of the scenario on show and the step the reader is at.
#[derive(Clone, Copy)]
struct Reading {
    state: AppState,
    clock: Clock,
    story: Memo<Option<Story>>,
    step: RwSignal<Option<usize>>,
}

impl Reading {
    /// Moves `delta` steps (from no step, forward starts the story).
    fn go(self, delta: isize) {
        let Some(st) = self.story.get_untracked() else { return };
        let next = match self.step.get_untracked() {
            None if delta > 0 => Some(0),
            None => None,
            Some(i) => i.checked_add_signed(delta).filter(|&j| j < st.steps.len()),
        };
        if let Some(j) = next {
            self.step.set(Some(j));
            if let Some(s) = st.steps.get(j) {
                show(self.state, self.clock, s);
            }
        }
    }
    fn current(self) -> Option<Step> {
        self.story.get().and_then(|st| self.step.get().and_then(|i| st.steps.get(i).copied()))
    }
    fn total(self) -> usize {
        self.story.get().map_or(0, |s| s.steps.len())
    }
}

#[component]
pub fn StoryPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let step = RwSignal::new(None::<usize>);
    provide_context(StoryStep(step));
    // The app state holds the step 1-based, for the URL.
    Effect::new(move |_| {
        let s = step.get().map(|i| i + 1);
        if state.story_step.get_untracked() != s {
            state.story_step.set(s);
        }
    });
    let story = Memo::new(move |_| story_for(&state.scenario.get()));
    let r = Reading { state, clock: use_clock(), story, step };
    // A new scenario leaves the story.
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        state.scenario.track();
        if !first.get_value() {
            step.set(None);
        }
        first.set_value(false);
    });
    // `?step=N` opens the story at step N.
    if let Some(n) = use_context::<UrlState>().and_then(|u| u.story_step) {
        match story.get_untracked().map(|st| (st.steps.len(), st.steps.get(n - 1).copied())) {
            Some((_, Some(s))) => {
                step.set(Some(n - 1));
                show(state, r.clock, &s);
            }
            Some((len, None)) => state.notify(format!("step: '{n}' is past the story's last step ({len}); the story stays closed.")),
            None => state.notify(format!("step: '{n}' ignored: this scenario has no guided story.")),
        }
    }
    view! {
        <section
            class="story panel"
            aria-labelledby="story-title"
            data-story-step=move || step.get().map(|i| (i + 1).to_string()).unwrap_or_default()
        >
            <h2 id="story-title">{move || story.get().map_or("The story", |s| s.title)}</h2>
            <Show
                when=move || story.get().is_some()
                fallback=move || view! {
                    <p class="story-none">
                        "This scenario has no guided story. Choose “22 December 2010” or “16 August 2007” above to follow one, or use the sandbox below."
                    </p>
                }
            >
                <StoryPage r=r/>
            </Show>
            <StoryNav r=r/>
        </section>
    }
}

/// The step being read (or the story's introduction), with the model's live numbers.
#[component]
fn StoryPage(r: Reading) -> impl IntoView {
    let state = r.state;
    move || match r.current() {
        None => view! {
            <div class="story-intro">
                <p>
                    {move || if state.scenario.get() == "aug-2007" {
                        "How a patch-day reboot took Skype down for two days."
                    } else {
                        "How one software bug and a safeguard took down a network of 23 million users — in a few short steps, each tied to a moment of the run."
                    }}
                </p>
            </div>
        }.into_any(),
        Some(s) => view! {
            <div class="story-step" aria-live="polite">
                <p class="story-progress">{move || format!("Step {} of {}", r.step.get().map_or(0, |i| i + 1), r.total())}</p>
                <h3>{s.title}</h3>
                <p>{s.body}</p>
                {(!s.source.is_empty()).then(|| view! { <p class="story-source">"Source: " {s.source}</p> })}
                <p class="story-live">{move || { state.minute.track(); state.revision.track(); live_line(state) }}</p>
            </div>
        }.into_any(),
    }
}

/// Back, leave, next (and at the end: on to the sandbox).
#[component]
fn StoryNav(r: Reading) -> impl IntoView {
    let step = r.step;
    let at_end = move || step.get().is_some_and(|i| i + 1 >= r.total());
    view! {
        <div class="story-nav">
            <button
                type="button"
                class="btn"
                data-testid="story-back"
                disabled=move || step.get().is_none_or(|i| i == 0)
                on:click=move |_| r.go(-1)
            >
                "← Back"
            </button>
            <Show when=move || step.get().is_some()>
                <button type="button" class="btn btn-quiet" on:click=move |_| {
                    step.set(None);
                    r.state.highlight.set(None);
                }>
                    "Leave the story"
                </button>
            </Show>
            <Show
                when=at_end
                fallback=move || view! {
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="story-next"
                        disabled=move || r.story.get().is_none()
                        on:click=move |_| r.go(1)
                    >
                        {move || if step.get().is_none() { "Start the story →" } else { "Next →" }}
                    </button>
                }
            >
                <button type="button" class="btn btn-primary" data-testid="story-next" on:click=move |_| open_sandbox()>
                    "Open the sandbox →"
                </button>
            </Show>
        </div>
    }
}
