//! Light and dark themes.
//!
//! The page follows the system's colour scheme until the learner picks one; the pick is
//! remembered. The toggle always flips what is on screen, so it never appears to do nothing
//! when the preference and the system happen to agree.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemePreference {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl ThemePreference {
    /// What is shown, given whether the system prefers dark.
    pub fn effective(self, system_dark: bool) -> Theme {
        match self {
            ThemePreference::Light => Theme::Light,
            ThemePreference::Dark => Theme::Dark,
            ThemePreference::System if system_dark => Theme::Dark,
            ThemePreference::System => Theme::Light,
        }
    }

    /// The preference after pressing the toggle: the opposite of what is on screen.
    pub fn toggled(self, system_dark: bool) -> ThemePreference {
        match self.effective(system_dark) {
            Theme::Light => ThemePreference::Dark,
            Theme::Dark => ThemePreference::Light,
        }
    }

    pub fn stored_name(self) -> Option<&'static str> {
        match self {
            ThemePreference::System => None,
            ThemePreference::Light => Some("light"),
            ThemePreference::Dark => Some("dark"),
        }
    }

    pub fn from_stored(name: Option<&str>) -> ThemePreference {
        match name {
            Some("light") => ThemePreference::Light,
            Some("dark") => ThemePreference::Dark,
            _ => ThemePreference::System,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn system_preference_follows_the_system() {
        assert_eq!(ThemePreference::System.effective(true), Theme::Dark);
        assert_eq!(ThemePreference::System.effective(false), Theme::Light);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn toggle_flips_what_is_shown() {
        for system_dark in [false, true] {
            for pref in [
                ThemePreference::System,
                ThemePreference::Light,
                ThemePreference::Dark,
            ] {
                let before = pref.effective(system_dark);
                let after = pref.toggled(system_dark).effective(system_dark);
                assert_ne!(before, after);
            }
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn stored_names_round_trip() {
        for pref in [
            ThemePreference::System,
            ThemePreference::Light,
            ThemePreference::Dark,
        ] {
            assert_eq!(ThemePreference::from_stored(pref.stored_name()), pref);
        }
        assert_eq!(
            ThemePreference::from_stored(Some("purple")),
            ThemePreference::System
        );
    }
}
