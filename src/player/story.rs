//! The guided stories: a few plain-language steps, each tied to a minute of the run, to what
//! the view should highlight and to a named source (MODEL-FACTS.md). A step moves the clock
//! there; the reader can leave the story at any time, and it ends in the sandbox.

use leptos::prelude::*;
use overlay_sim::SlotState;

use super::narrator::{use_narrator, Narrator as Reading};
use super::story_now::Now;
use crate::app_state::{AppState, Highlight};
use crate::clock::use_clock;
use crate::view::format::{count, times};
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
    pub(crate) fn highlight(self) -> Option<Highlight> {
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

/// One step: the minute it shows, a title, a paragraph, what the run shows now and where the
/// facts come from.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub minute: u32,
    pub title: &'static str,
    /// The history and the mechanism: true whatever the scale. Numbers here are sourced facts.
    pub body: &'static str,
    /// The model at the minute on screen, in words, numbers read from the run.
    pub now: Option<fn(&Now) -> String>,
    pub source: &'static str,
    pub focus: Focus,
}

/// A story for one scenario.
#[derive(Clone, Copy, Debug)]
pub struct Story {
    pub scenario: &'static str,
    pub title: &'static str,
    pub steps: &'static [Step],
}

/// One story per scenario: the name says which.
impl PartialEq for Story {
    fn eq(&self, other: &Story) -> bool {
        self.scenario == other.scenario
    }
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
            body: "16:00 UTC, a Wednesday before Christmas. At a normal daily peak about 23 million people are signed in to Skype. \
                   Skype's own servers only check logins. Presence, search and setting up calls are done by supernodes — \
                   ordinary users' computers with a public address and spare bandwidth, promoted without being asked. \
                   About 48,000 of them each look after several hundred clients. A client's host cache holds up to ~200 supernodes \
                   it has learned nearby: on the map, the outlined circles are these cache groups.",
            now: Some(|n| format!("In the model: {} users online, served by {} supernodes in {} cache groups.", n.users(), n.supernodes(), n.groups)),
            source: "Baset & Schulzrinne, INFOCOM 2006; Bremler-Barr & Goldschmidt, TMA 2011; Kortchinsky 2012; Skype IT Administrators Guide",
            focus: Focus::Alive,
        },
        Step {
            minute: 270,
            title: "A cluster of servers falls behind",
            body: "Since about 16:00 a cluster of Skype's support servers for offline instant messages has been overloaded: each minute \
                   it answers a little less than it is asked, so its replies fall further and further behind. On its own that would \
                   only delay some chat messages.",
            now: Some(|n| format!("In the model now: {:.0}% of offline-IM requests are answered late.", n.m.im_delayed_share * 100.0)),
            source: "Lars Rabbe (Skype CIO), post-mortem, 29 Dec 2010",
            focus: Focus::ImServers,
        },
        Step {
            minute: 285,
            title: "A bug turns slow replies into crashes",
            body: "Skype for Windows 5.0.0.152, run by about half of all users, mishandles the late replies and crashes. \
                   About 40% of those clients go down — some 20% of all users — as the late replies reach them over tens of minutes. \
                   Other versions, Mac and mobile were not affected. Among the crashed computers are 25–30% of the publicly available supernodes.",
            now: Some(|n| {
                let lost = n.lost_percent().map_or(String::new(), |p| format!("; {p:.0}% of the supernodes serving before the trigger have stopped"));
                format!("In the model now: {} clients have crashed and wait for their users to restart them{lost}.", count(n.m.crashed_clients as f64))
            }),
            source: "Rabbe's post-mortem",
            focus: Focus::Crashed,
        },
        Step {
            minute: 320,
            title: "The survivors are swamped",
            body: "Every client whose supernode vanished tries to reconnect — first to the other supernodes in its host cache, \
                   its own cache group — and users restart their crashed Skype. Losing a quarter of the supernodes would by itself \
                   raise the load on the rest by only a third (1 / (1 − 0.25) = 1.33×, our arithmetic); Skype reported that the \
                   reconnect storm brought the remaining supernodes about 100 times their normal load. A built-in safeguard shuts a supernode down when its \
                   load is excessive, to protect its host — orphaning its clients too.",
            now: Some(|n| {
                let serving = if n.m.supernodes_alive == 0 {
                    "no user-run supernode is left serving".to_string()
                } else {
                    format!("{} user-run supernodes still serve", n.supernodes())
                };
                let peak = n.peak.as_ref().map_or(String::new(), |(r, at)| format!("; the heaviest load so far: {} normal signalling, at {at}", times(*r)));
                format!("In the model now: {serving}{peak}.")
            }),
            source: "Rabbe's post-mortem (≈100×); the 1.33× is our arithmetic",
            focus: Focus::Shutdown,
        },
        Step {
            minute: 360,
            title: "The storm spreads, group by group",
            body: "Each shutdown sends its clients to the survivors of the same group, which then shut down in turn: a feedback loop \
                   inside each neighbourhood. A group collapses when its own orphans swamp its last supernodes; clients of a dead group \
                   fall back to the bootstrap servers and to neighbouring groups, and carry the storm there. Europe, at its evening peak, \
                   goes first, one neighbourhood after another, over an hour or more. Groups with more room to spare, or in their \
                   local night, hold. Theory predicts both: overload can cascade from a small start, and a network \
                   falls apart once enough of its nodes are gone.",
            now: Some(|n| {
                let first = n.first_down.as_ref().map_or(String::new(), |at| format!("the first cache group fell at {at}; now "));
                format!("In the model: {first}{}; {}.", n.groups_line(), n.service())
            }),
            source: "Motter & Lai, PRE 2002; Molloy–Reed; Cohen, Erez, ben-Avraham & Havlin, PRL 2000",
            focus: Focus::None,
        },
        Step {
            minute: 600,
            title: "A long night, but not for everyone",
            body: "A restarted supernode takes a while before it is usable, and in a group that is down each one that comes back meets \
                   the storm. The login servers still work, but a signed-in client without a supernode has no service: the central part \
                   of the system cannot stand in for the missing supernodes. Failing clients wait longer and longer between attempts, \
                   and many users give up for the night. In 2010 the outage was partial: some users kept service throughout.",
            now: Some(|n| format!("In the model now: {}; {}; {} users have given up for now.", n.service(), n.groups_line(), n.gave_up())),
            source: "Rabbe's post-mortem; Baset & Schulzrinne 2006",
            focus: Focus::LoginServers,
        },
        Step {
            minute: 960,
            title: "Skype brings its own supernodes",
            body: "Skype's engineers run supernode software on the company's own servers — repurposed group-video and offline-IM machines — \
                   creating hundreds of \"mega-supernodes\", added in waves, and switch group video off to cut the load. \
                   Unlike users' computers, these do not shut themselves down, but each holds a limited number of clients: \
                   they go first to the groups with the most users without service.",
            now: Some(|n| format!("In the model now: {} serving; {}.", megas(n.m.mega_supernodes), n.groups_line())),
            source: "Rabbe's post-mortem; Kortchinsky 2012 (by 2012 Skype ran its supernodes itself)",
            focus: Focus::Megas,
        },
        Step {
            minute: 1440,
            title: "The network heals, group by group",
            body: "Behind the mega-supernodes, orphaned clients reconnect, users' supernodes come back and stay up where the storm has \
                   passed, and peers are promoted to supernode again. Recovery is gradual — Skype warned it \"may take several hours for \
                   everyone to be able to sign in again\" — and many users were without service for about 24 hours.",
            now: Some(|n| format!("In the model now: {}; {}.", n.groups_line(), n.service())),
            source: "Rabbe's post-mortem",
            focus: Focus::Chart("online"),
        },
        Step {
            minute: 2400,
            title: "24 December: full service",
            body: "Skype reported service fully restored on 24 December. Two years later it ran its supernodes on its own servers.",
            now: Some(|n| format!("In the model now: {}; {}.", n.service(), n.groups_line())),
            source: "Rabbe's post-mortem; Kortchinsky 2012",
            focus: Focus::Chart("online"),
        },
        Step {
            minute: 235,
            title: "Your turn",
            body: "Was it the bug, the safeguard or the reconnect storm? The clock is back at 15:55, just before the trigger. \
                   In the sandbox, give supernodes more headroom, make clients retry without backing off, turn the safeguard off, \
                   kill the busiest supernode or bring mega-supernodes earlier — then press play and compare the new future with the faint ghost of the original.",
            now: None,
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
            now: Some(|n| format!("In the model: {} users online, served by {} supernodes in {} cache groups.", n.users(), n.supernodes(), n.groups)),
            source: "AP 2007; Baset & Schulzrinne 2006",
            focus: Focus::Alive,
        },
        Step {
            minute: 90,
            title: "Everyone restarts at once",
            body: "After a Windows Update patch day, a huge number of computers restart and their Skype clients all sign in again. \
                   The flood of log-in requests hits a network already short of supernode resources, and a chain reaction begins.",
            now: Some(|n| format!("In the model now: {} sign-ins wait at the login servers; {}.", count(n.m.login_queue as f64), n.service())),
            source: "Skype's statement, August 2007",
            focus: Focus::LoginServers,
        },
        Step {
            minute: 360,
            title: "A network that cannot heal itself",
            body: "A previously unseen bug in the network's resource allocation algorithm keeps the peer-to-peer network from healing: \
                   here, no peer can be promoted to replace the supernodes lost. \
                   Measurements during the outage showed about 3× the signalling traffic and clients contacting about 10× more peers.",
            now: Some(|n| {
                let load = if n.m.supernodes_alive > 0 { format!("; signalling at {} normal", n.signalling()) } else { String::new() };
                format!("In the model now: {}; {}{load}.", n.service(), n.groups_line())
            }),
            source: "Skype's statement; Rossi, Mellia & Meo, \"Evidences behind Skype outage\", ICC 2009",
            focus: Focus::Chart("signalling"),
        },
        Step {
            minute: 2880,
            title: "The fix",
            body: "Skype was unavailable for most users for about two days, until Skype fixed the bug. \
                   Here peers can be promoted to supernode again from then on, and the supernode layer regrows group by group.",
            now: Some(|n| {
                let fixed = n.fixed.as_ref().map_or(String::new(), |at| format!("fixed at {at}; "));
                format!("In the model: {fixed}{} supernodes serving now; {}; {}.", n.supernodes(), n.service(), n.groups_line())
            }),
            source: "Skype's statement; Rossi et al. 2009",
            focus: Focus::Chart("online"),
        },
        Step {
            minute: 55,
            title: "Your turn",
            body: "The clock is back just before the reboots. In the sandbox, give supernodes more headroom, make users more patient \
                   or let clients back off longer, press play, and see whether the network still falls.",
            now: None,
            source: "",
            focus: Focus::None,
        },
    ],
};

/// "1 mega-supernode", "150 mega-supernodes".
fn megas(n: u32) -> String {
    if n == 1 { "1 mega-supernode".into() } else { format!("{} mega-supernodes", count(f64::from(n))) }
}

/// The story told for a scenario, if any.
pub fn story_for(scenario: &str) -> Option<Story> {
    [STORY_DEC_2010, STORY_AUG_2007].into_iter().find(|s| s.scenario == scenario)
}

/// The run at the minute on screen.
fn now(state: AppState) -> Now {
    state.history.with_value(Now::of)
}

/// One line of live numbers, so the text can be checked against the model at that moment.
fn live_line(n: &Now) -> String {
    format!(
        "Now: {:.0}% of expected users have service · {} of {} cache groups down · {} supernodes serving · {} · signalling {}",
        n.m.online_fraction() * 100.0,
        n.down,
        n.groups,
        n.supernodes(),
        megas(n.m.mega_supernodes),
        match n.signalling().as_str() {
            "—" => "— (no supernode serving)".to_string(),
            x => format!("{x} normal"),
        }
    )
}

#[component]
pub fn StoryPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The page's narrator (`?step=N` opens the story at step N).
    let r = use_narrator(state, use_clock(), use_context::<UrlState>().and_then(|u| u.story_step));
    let (story, step) = (r.story, r.step);
    provide_context(StoryStep(step));
    view! {
        <section
            class="story panel"
            aria-labelledby="story-title"
            data-story-step=move || step.get().map(|i| (i + 1).to_string()).unwrap_or_default()
            data-story-minute=move || r.current().map(|s| s.minute.to_string()).unwrap_or_default()
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
                        "How one software bug and a safeguard cut off much of a network of 23 million users for a day — in a few short steps, each tied to a moment of the run."
                    }}
                </p>
            </div>
        }.into_any(),
        Some(s) => view! {
            <div class="story-step" aria-live="polite">
                <p class="story-progress">{move || format!("Step {} of {}", r.step.get().map_or(0, |i| i + 1), r.total())}</p>
                <div data-testid="story-text">
                    <h3>{s.title}</h3>
                    <p>{s.body}</p>
                    {s.now.map(|said| view! {
                        <p class="story-now" data-testid="story-now">{move || { state.minute.track(); state.revision.track(); said(&now(state)) }}</p>
                    })}
                </div>
                {(!s.source.is_empty()).then(|| view! { <p class="story-source">"Source: " {s.source}</p> })}
                <p class="story-live">{move || { state.minute.track(); state.revision.track(); live_line(&now(state)) }}</p>
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
                on:click=move |_| { r.go(-1); }
            >
                "← Back"
            </button>
            <Show when=move || step.get().is_some()>
                <button type="button" class="btn btn-quiet" data-testid="story-replay" title="Play this step's moment again" on:click=move |_| r.replay()>
                    "↻ Replay"
                </button>
                <button type="button" class="btn btn-quiet" on:click=move |_| r.leave()>
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
                        on:click=move |_| { r.go(1); }
                    >
                        {move || if step.get().is_none() { "Start the story →" } else { "Next →" }}
                    </button>
                }
            >
                <button type="button" class="btn btn-primary" data-testid="story-next" on:click=move |_| super::presenter::open_sandbox()>
                    "Open the sandbox →"
                </button>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overlay_sim::{GroupState, History, Scale, Scenario};

    fn city(story: &Story) -> History {
        History::new(Scenario::preset_at(story.scenario, Scale::City).expect("preset"))
    }

    #[test]
    fn every_step_says_what_the_run_shows_at_its_minute() {
        for story in [STORY_DEC_2010, STORY_AUG_2007] {
            let mut h = city(&story);
            let mut steps = story.steps.to_vec();
            steps.sort_by_key(|s| s.minute);
            for s in steps {
                h.seek(s.minute);
                let Some(said) = s.now else { continue };
                let text = said(&Now::of(&h));
                assert!(text.starts_with("In the model") && text.ends_with('.'), "{}: {text}", s.title);
                assert!(!text.contains("NaN") && !text.contains("inf"), "{}: {text}", s.title);
            }
        }
    }

    #[test]
    fn the_spread_step_counts_the_groups_the_map_draws() {
        let step = STORY_DEC_2010.steps.iter().find(|s| s.title.contains("group by group")).expect("the spread step");
        let mut h = city(&STORY_DEC_2010);
        h.seek(step.minute);
        let groups = h.world().groups();
        let down = groups.iter().filter(|g| g.state == GroupState::Down).count();
        let text = step.now.map(|f| f(&Now::of(&h))).unwrap_or_default();
        assert!(down > 0, "the storm has taken no group down by {}", step.minute);
        assert!(text.contains(&format!("{down} of {} cache groups", groups.len())), "{text}");
        assert!(text.contains("the first cache group fell at "), "{text}");
    }

    #[test]
    fn no_step_apologises_for_the_model() {
        for s in STORY_DEC_2010.steps.iter().chain(STORY_AUG_2007.steps) {
            assert!(!s.body.contains("In this model") && !s.body.contains("in reality"), "{}", s.title);
        }
    }
}
