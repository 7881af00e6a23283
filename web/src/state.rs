//! The playground's one reducer.
//!
//! [`Playground`] holds everything the page shows: the simulated world, which view is
//! open, the time controls, the theme and whether the shortcut help is up. Components send
//! [`Action`]s; [`Playground::reduce`] is the only place state changes, which keeps every
//! behaviour testable without a browser.
//!
//! The world is shared behind `Rc<RefCell<_>>` rather than cloned on every action: it will
//! hold whole tables and clusters, and an animation frame arrives sixty times a second.
//! `revision` counts changes to it so components can tell when to redraw.
//! `data_revision` counts only changes to the stored data (successful writes): views that
//! read tables through requests redo those reads when it moves, not on every frame.
//!
//! Requests the views send (the Tables forms, the console) run here, in
//! [`Action::Execute`], so their outcomes are state like any other and a successful write
//! refreshes what is on screen in the same step. The page's JavaScript API runs requests
//! outside the reducer and reports a write with [`Action::WorldChanged`].

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_world::dynamo::ErrorKind;
use dynaplay_world::{SimDuration, SimTime, World};
use serde_json::Value;
use yew::Reducible;

use crate::console_history::ConsoleHistory;
use crate::requests::{self, Outcome};
use crate::table_browser::{TableBrowser, TablesForm, TablesState};
use crate::theme::ThemePreference;
use crate::view::View;
use crate::views::consistency::state::{ConsistencyAction, ConsistencyState};
use crate::views::dax::state::{DaxAction, DaxState};
use crate::views::emr::state::{EmrAction, EmrState};
use crate::views::partitions::state::{PartitionsAction, PartitionsState, Touched};

/// The seed a fresh playground starts from.
pub const DEFAULT_SEED: u64 = 1;

/// Speeds are chosen on a log scale: 10^exponent times real time.
pub const MIN_SPEED_EXPONENT: f64 = -1.0;
pub const MAX_SPEED_EXPONENT: f64 = 3.0;

/// The longest real gap one animation frame may turn into simulated time. A tab that was
/// in the background for an hour should not jump a thousand hours ahead when it returns.
const MAX_FRAME_MS: f64 = 250.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Navigate(View),
    TogglePlay,
    Pause,
    Step,
    SetSpeedExponent(f64),
    /// An animation frame arrived `elapsed_ms` of real time after the previous one.
    Frame {
        elapsed_ms: f64,
    },
    ToggleTheme,
    SystemThemeChanged {
        dark: bool,
    },
    ToggleHelp,
    CloseHelp,
    /// The world's data changed outside the reducer (the page's JavaScript API wrote).
    WorldChanged,
    /// Runs a DynamoDB request and records its outcome where it came from.
    Execute {
        origin: Origin,
        operation: String,
        request: Value,
    },
    /// Shows a table's details and the first page of its items.
    SelectTable(String),
    NextItemsPage,
    PreviousItemsPage,
    /// Something in the EMR view (its cluster, its forms).
    Emr(EmrAction),
    /// Something in the DAX view (its clusters, requests and experiments).
    Dax(DaxAction),
    /// Something in the Partitions view (faults, traffic, realism, selection).
    Partitions(PartitionsAction),
    /// Something in the Consistency view (its clients, timeline, experiment).
    Consistency(ConsistencyAction),
}

/// Where a request run by the reducer came from, which is where its outcome is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Tables(TablesForm),
    Console,
}

#[derive(Debug, Clone)]
pub struct Playground {
    pub world: Rc<RefCell<World>>,
    pub revision: u64,
    pub view: View,
    pub playing: bool,
    pub speed_exponent: f64,
    /// Simulated microseconds owed but not yet whole, carried to the next frame.
    carry_micros: f64,
    pub theme: ThemePreference,
    pub system_dark: bool,
    pub help_open: bool,
    /// Counts successful writes to the world's data.
    pub data_revision: u64,
    /// Shared so that cloning the state on every animation frame stays cheap.
    pub tables: Rc<TablesState>,
    pub console: Rc<ConsoleHistory>,
    /// The EMR view's forms and the cluster it simulates.
    pub emr: Rc<EmrState>,
    /// The DAX view's selections, last answers and experiments.
    pub dax: Rc<DaxState>,
    /// The Partitions view's choices (table, selection, last command's outcome).
    pub partitions: Rc<PartitionsState>,
    /// The Consistency view's timeline, clients and experiment results.
    pub consistency: Rc<ConsistencyState>,
}

impl Playground {
    pub fn new(seed: u64, view: View, theme: ThemePreference, system_dark: bool) -> Self {
        Playground {
            world: Rc::new(RefCell::new(World::new(seed))),
            revision: 0,
            view,
            playing: false,
            speed_exponent: 0.0,
            carry_micros: 0.0,
            theme,
            system_dark,
            help_open: false,
            data_revision: 0,
            tables: Rc::default(),
            console: Rc::default(),
            emr: Rc::default(),
            dax: Rc::default(),
            partitions: Rc::default(),
            consistency: Rc::default(),
        }
    }

    pub fn now(&self) -> SimTime {
        self.world.borrow().now()
    }

    /// How many simulated seconds pass per real second.
    pub fn speed(&self) -> f64 {
        10f64.powf(self.speed_exponent)
    }

    /// Records that the stored data changed, and re-reads the table on screen.
    /// Records what a Partitions or Consistency command changed.
    fn touched(&mut self, touched: Touched) {
        if touched.data {
            self.data_changed();
        } else if touched.world {
            self.revision += 1;
        }
    }

    pub(crate) fn data_changed(&mut self) {
        self.revision += 1;
        self.data_revision += 1;
        if self.view == View::Tables {
            self.refresh_table();
        }
    }

    /// Re-reads the selected table if the data changed since it was read. A table that no
    /// longer exists is deselected.
    fn refresh_table(&mut self) {
        let revision = self.data_revision;
        let Some(browser) = self
            .tables
            .browser
            .as_ref()
            .filter(|b| b.read_at != revision)
        else {
            return;
        };
        let fresh = browser.refresh(&self.world, revision);
        let gone = matches!(&fresh.description, Err(e) if e.kind == ErrorKind::ResourceNotFound);
        Rc::make_mut(&mut self.tables).browser = (!gone).then_some(fresh);
    }

    fn select_table(&mut self, name: &str) {
        let browser = TableBrowser::open(&self.world, name, self.data_revision);
        let tables = Rc::make_mut(&mut self.tables);
        tables.browser = Some(browser);
        tables.forget_table_results();
    }

    fn execute(&mut self, origin: Origin, operation: String, request: Value) {
        let result = requests::execute(&self.world, &operation, &request);
        let wrote = result.is_ok() && requests::is_write(&operation);
        let outcome = Outcome {
            operation,
            request,
            result,
        };
        let created = match (&outcome.result, origin) {
            (Ok(_), Origin::Tables(TablesForm::CreateTable)) => outcome
                .request
                .get("TableName")
                .and_then(Value::as_str)
                .map(str::to_string),
            _ => None,
        };
        match origin {
            Origin::Tables(form) => Rc::make_mut(&mut self.tables).record(form, outcome),
            Origin::Console => Rc::make_mut(&mut self.console).push(outcome),
        }
        if wrote {
            self.data_changed();
        }
        // A table made with the form is the one the learner wants to look at next.
        if let Some(name) = created {
            self.select_table(&name);
        }
    }

    fn advance_by_frame(&mut self, elapsed_ms: f64) {
        if !self.playing || !elapsed_ms.is_finite() || elapsed_ms <= 0.0 {
            return;
        }
        let owed = elapsed_ms.min(MAX_FRAME_MS) * 1_000.0 * self.speed() + self.carry_micros;
        let whole = owed.floor();
        self.carry_micros = owed - whole;
        // `whole` is at most 250 ms × 1000× in microseconds, far inside u64.
        let micros = whole as u64;
        if micros > 0 {
            self.world
                .borrow_mut()
                .advance(SimDuration::from_micros(micros));
            self.revision += 1;
        }
    }
}

/// Two states are equal when they would render the same: the same world at the same
/// revision, the same view, controls and theme, and the same request outcomes.
impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.world, &other.world)
            && self.revision == other.revision
            && self.data_revision == other.data_revision
            && (Rc::ptr_eq(&self.tables, &other.tables) || self.tables == other.tables)
            && (Rc::ptr_eq(&self.console, &other.console) || self.console == other.console)
            && (Rc::ptr_eq(&self.emr, &other.emr) || self.emr == other.emr)
            && (Rc::ptr_eq(&self.dax, &other.dax) || self.dax == other.dax)
            && (Rc::ptr_eq(&self.partitions, &other.partitions)
                || self.partitions == other.partitions)
            && (Rc::ptr_eq(&self.consistency, &other.consistency)
                || self.consistency == other.consistency)
            && self.view == other.view
            && self.playing == other.playing
            && self.speed_exponent == other.speed_exponent
            && self.theme == other.theme
            && self.system_dark == other.system_dark
            && self.help_open == other.help_open
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Navigate(view) => {
                next.view = view;
                if view == View::Tables {
                    next.refresh_table();
                }
            }
            Action::TogglePlay => {
                next.playing = !next.playing;
                next.carry_micros = 0.0;
            }
            Action::Pause => next.playing = false,
            Action::Step => {
                next.world.borrow_mut().step();
                next.revision += 1;
            }
            Action::SetSpeedExponent(exponent) if exponent.is_finite() => {
                next.speed_exponent = exponent.clamp(MIN_SPEED_EXPONENT, MAX_SPEED_EXPONENT);
            }
            Action::SetSpeedExponent(_) => return self,
            Action::Frame { elapsed_ms } => {
                if !next.playing {
                    return self;
                }
                next.advance_by_frame(elapsed_ms);
            }
            Action::ToggleTheme => next.theme = next.theme.toggled(next.system_dark),
            Action::SystemThemeChanged { dark } => next.system_dark = dark,
            Action::ToggleHelp => next.help_open = !next.help_open,
            Action::CloseHelp => next.help_open = false,
            Action::WorldChanged => next.data_changed(),
            Action::Execute {
                origin,
                operation,
                request,
            } => next.execute(origin, operation, request),
            Action::SelectTable(name) => next.select_table(&name),
            Action::NextItemsPage | Action::PreviousItemsPage => {
                let Some(browser) = &next.tables.browser else {
                    return self;
                };
                let moved = if action == Action::NextItemsPage {
                    browser.next(&next.world, next.data_revision)
                } else {
                    browser.previous(&next.world, next.data_revision)
                };
                Rc::make_mut(&mut next.tables).browser = Some(moved);
            }
            Action::Emr(action) => crate::views::emr::state::reduce(&mut next, action),
            Action::Dax(action) => next.reduce_dax(action),
            Action::Partitions(action) => {
                let touched = Rc::make_mut(&mut next.partitions).apply(&next.world, action);
                next.touched(touched);
            }
            Action::Consistency(action) => {
                if next.consistency.is_noop(&next.world, &action) {
                    return self;
                }
                let touched = Rc::make_mut(&mut next.consistency).apply(&next.world, action);
                next.touched(touched);
            }
        }
        // The EMR view's cluster follows the world's clock (it is not in the world yet).
        if next.revision != self.revision {
            crate::views::emr::state::follow_world(&mut next);
        }
        // DAX experiments carry out the steps that simulated time has brought due.
        if next.revision != self.revision {
            next.dax_time_moved();
        }
        Rc::new(next)
    }
}

/// Simulated time as the clock shows it: seconds with milliseconds.
pub fn format_sim_time(time: SimTime) -> String {
    let micros = time.as_micros();
    let secs = micros / 1_000_000;
    let millis = (micros / 1_000) % 1_000;
    format!("{secs}.{millis:03} s")
}

/// A speed as the control shows it: `0.1×`, `1×`, `25×`, `1000×`.
pub fn format_speed(speed: f64) -> String {
    if speed >= 10.0 {
        format!("{:.0}×", speed)
    } else if (speed - speed.round()).abs() < 0.05 {
        format!("{:.0}×", speed.round())
    } else {
        format!("{:.1}×", speed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Rc<Playground> {
        Rc::new(Playground::new(
            DEFAULT_SEED,
            View::Tables,
            ThemePreference::System,
            false,
        ))
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn frames_move_time_only_while_playing() {
        let state = fresh();
        let state = state.reduce(Action::Frame { elapsed_ms: 16.0 });
        assert_eq!(state.now().as_micros(), 0);
        let state = state.reduce(Action::TogglePlay);
        let state = state.reduce(Action::Frame { elapsed_ms: 16.0 });
        assert_eq!(state.now().as_micros(), 16_000);
        let state = state.reduce(Action::Pause);
        let state = state.reduce(Action::Frame { elapsed_ms: 16.0 });
        assert_eq!(state.now().as_micros(), 16_000);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn speed_scales_frames_and_fractions_are_carried() {
        let state = fresh()
            .reduce(Action::TogglePlay)
            .reduce(Action::SetSpeedExponent(-1.0));
        // 0.1× of 0.00333 ms per frame is a fraction of a microsecond: it must accumulate.
        let mut state = state;
        for _ in 0..30 {
            state = state.reduce(Action::Frame {
                elapsed_ms: 1.0 / 3.0,
            });
        }
        // 30 × 33.33 µs: without the carry every frame would round down to nothing.
        let micros = state.now().as_micros();
        assert!(
            (999..=1000).contains(&micros),
            "carried fractions add up: {micros}"
        );
        let state = state.reduce(Action::SetSpeedExponent(3.0));
        let before = state.now().as_micros();
        let state = state.reduce(Action::Frame { elapsed_ms: 10.0 });
        assert_eq!(state.now().as_micros() - before, 10_000_000);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn long_gaps_are_capped() {
        let state = fresh().reduce(Action::TogglePlay);
        let state = state.reduce(Action::Frame {
            elapsed_ms: 3_600_000.0,
        });
        assert_eq!(state.now().as_micros(), 250_000);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn step_advances_exactly_one_step_and_speed_is_clamped() {
        let state = fresh().reduce(Action::Step);
        assert_eq!(state.now(), SimTime::ZERO + World::STEP);
        let state = state.reduce(Action::SetSpeedExponent(9.0));
        assert_eq!(state.speed_exponent, MAX_SPEED_EXPONENT);
        let state = state.reduce(Action::SetSpeedExponent(f64::NAN));
        assert_eq!(state.speed_exponent, MAX_SPEED_EXPONENT);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn formats() {
        assert_eq!(
            format_sim_time(SimTime::from_micros(12_345_678)),
            "12.345 s"
        );
        assert_eq!(format_speed(0.1), "0.1×");
        assert_eq!(format_speed(1.0), "1×");
        assert_eq!(format_speed(1000.0), "1000×");
    }
}
