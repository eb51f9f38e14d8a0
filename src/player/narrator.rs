//! The story's reader, shared by everything that moves through it: the story panel, the
//! caption under an embedded map, the presenter view and the keys (PageDown / PageUp, as a
//! presenter's remote sends them). A step plays its moment — a short segment up to the step's
//! minute, slow enough to see the event — then holds there, so the frame matches the text.

use leptos::prelude::*;

use super::speed_index;
use super::story::{story_for, Focus, Step, Story};
use crate::app::prefers_reduced_motion;
use crate::app_state::{AppState, SPEEDS};
use crate::clock::{Clock, PlayerCommand};

/// The longest lead-in a step plays before its minute.
const MAX_LEAD_MIN: u32 = 30;
/// About how long a step's segment lasts, in seconds.
const SEGMENT_S: f64 = 4.0;

/// The segment a step plays: from where, to its minute, at what speed (None: the step only
/// moves the clock, as the closing "your turn" does). The lead-in never starts before the
/// previous step's minute, so stepping forward never shows an earlier moment than the step
/// before, and the speed is the preset that makes it last about [`SEGMENT_S`].
pub fn segment(steps: &[Step], j: usize) -> Option<(u32, u32, f64)> {
    let step = steps.get(j)?;
    if step.focus == Focus::None {
        return None;
    }
    let m = step.minute;
    let prev = j.checked_sub(1).and_then(|i| steps.get(i)).map(|p| p.minute).filter(|&p| p < m);
    let lead = prev.map_or(m, |p| m - p).min(MAX_LEAD_MIN);
    if lead == 0 {
        return None;
    }
    let wanted = (f64::from(lead) / SEGMENT_S).clamp(1.0, 8.0);
    let speed = SPEEDS.get(speed_index(wanted)).copied().unwrap_or(wanted);
    Some((m - lead, m, speed))
}

/// The story of the scenario on show and the step the reader is at (in the context).
#[derive(Clone, Copy)]
pub struct Narrator {
    pub state: AppState,
    pub clock: Clock,
    pub story: Memo<Option<Story>>,
    /// The current step, 0-based (None: not in the story). `AppState::story_step` mirrors it 1-based.
    pub step: RwSignal<Option<usize>>,
}

/// The narrator of the page (made and put in the context if there is none yet); it opens
/// the story at `open_at` (1-based, from the link's `step=`).
pub fn use_narrator(state: AppState, clock: Clock, open_at: Option<usize>) -> Narrator {
    if let Some(n) = use_context::<Narrator>() {
        return n;
    }
    let step = RwSignal::new(None::<usize>);
    let story = Memo::new(move |_| story_for(&state.scenario.get()));
    let n = Narrator { state, clock, story, step };
    provide_context(n);
    Effect::new(move |_| {
        let s = step.get().map(|i| i + 1);
        if state.story_step.get_untracked() != s {
            state.story_step.set(s);
        }
    });
    // A new scenario leaves the story.
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        state.scenario.track();
        if !first.get_value() {
            step.set(None);
        }
        first.set_value(false);
    });
    if let Some(k) = open_at.and_then(|k| k.checked_sub(1)) {
        match story.get_untracked().map(|s| s.steps.len()) {
            Some(len) if k < len => n.open(k),
            Some(len) => state.notify(format!("The story has {len} steps: step {} is past its end, so it is not opened.", k + 1)),
            None => state.notify("This scenario has no story: the link's step is ignored."),
        }
    }
    n
}

impl Narrator {
    /// Moves `delta` steps (from no step, forward starts the story). Returns whether it moved.
    pub fn go(self, delta: isize) -> bool {
        let Some(st) = self.story.get_untracked() else { return false };
        let next = match self.step.get_untracked() {
            None if delta > 0 => Some(0),
            None => None,
            Some(i) => i.checked_add_signed(delta).filter(|&j| j < st.steps.len()),
        };
        match next {
            Some(j) => {
                self.open(j);
                true
            }
            None => false,
        }
    }

    /// Opens step `j`: points the view at its subject and plays its moment.
    pub fn open(self, j: usize) {
        let Some(st) = self.story.get_untracked() else { return };
        let Some(s) = st.steps.get(j) else { return };
        self.step.set(Some(j));
        self.state.highlight.set(s.focus.highlight());
        self.play(st.steps, j);
    }

    /// Plays the current step's moment again.
    pub fn replay(self) {
        if let (Some(st), Some(j)) = (self.story.get_untracked(), self.step.get_untracked()) {
            self.play(st.steps, j);
        }
    }

    fn play(self, steps: &[Step], j: usize) {
        let Some(s) = steps.get(j) else { return };
        match segment(steps, j).filter(|_| !prefers_reduced_motion()) {
            Some((from, until, speed)) => self.clock.send(PlayerCommand::PlaySegment { from, until, speed }),
            None => self.clock.send(PlayerCommand::Seek(s.minute)),
        }
    }

    pub fn leave(self) {
        self.step.set(None);
        self.state.highlight.set(None);
    }

    pub fn current(self) -> Option<Step> {
        self.story.get().and_then(|st| self.step.get().and_then(|i| st.steps.get(i).copied()))
    }

    pub fn total(self) -> usize {
        self.story.get().map_or(0, |s| s.steps.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::{STORY_AUG_2007, STORY_DEC_2010};

    #[test]
    fn each_step_plays_up_to_its_minute_from_no_earlier_than_the_step_before() {
        for story in [STORY_DEC_2010, STORY_AUG_2007] {
            let steps = story.steps;
            for j in 0..steps.len() {
                let Some((from, until, speed)) = segment(steps, j) else {
                    assert_eq!(steps[j].focus, Focus::None, "{}: step {} plays nothing", story.scenario, j + 1);
                    continue;
                };
                assert_eq!(until, steps[j].minute);
                assert!(from < until && until - from <= MAX_LEAD_MIN);
                if let Some(p) = j.checked_sub(1).map(|i| steps[i].minute).filter(|&p| p < until) {
                    assert!(from >= p, "{}: step {} starts at {from}, before step {j}'s minute {p}", story.scenario, j + 1);
                }
                let secs = f64::from(until - from) / speed;
                assert!((1.0..=8.0).contains(&secs), "{}: step {} lasts {secs:.1} s", story.scenario, j + 1);
                assert!(SPEEDS.contains(&speed), "a preset speed, shown as such: {speed}");
            }
        }
    }
}
