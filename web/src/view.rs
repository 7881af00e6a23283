//! The playground's views and their place in the URL.
//!
//! Routes live in the URL fragment (`#/partitions`), never the path, so the built site works
//! unchanged from any sub-path of any static host and a link opens the view its author saw.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Tables,
    Console,
    Partitions,
    Consistency,
    Dax,
    Emr,
    Lessons,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Tables,
        View::Console,
        View::Partitions,
        View::Consistency,
        View::Dax,
        View::Emr,
        View::Lessons,
    ];

    /// The link text, also the accessible name of the link.
    pub fn title(self) -> &'static str {
        match self {
            View::Tables => "Tables",
            View::Console => "Console",
            View::Partitions => "Partitions",
            View::Consistency => "Consistency",
            View::Dax => "DAX",
            View::Emr => "EMR",
            View::Lessons => "Lessons",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            View::Tables => "tables",
            View::Console => "console",
            View::Partitions => "partitions",
            View::Consistency => "consistency",
            View::Dax => "dax",
            View::Emr => "emr",
            View::Lessons => "lessons",
        }
    }

    pub fn href(self) -> String {
        format!("#/{}", self.slug())
    }

    /// The view a URL fragment names; anything unknown falls back to the default view.
    pub fn from_fragment(fragment: &str) -> View {
        let slug = fragment.trim_start_matches('#').trim_start_matches('/');
        let slug = slug.split(['/', '?']).next().unwrap_or_default();
        View::ALL
            .into_iter()
            .find(|view| view.slug() == slug)
            .unwrap_or_default()
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn fragments_round_trip_and_unknown_falls_back() {
        for view in View::ALL {
            assert_eq!(View::from_fragment(&view.href()), view);
        }
        assert_eq!(View::from_fragment("#/dax/cluster-1"), View::Dax);
        assert_eq!(View::from_fragment("#/console"), View::Console);
        assert_eq!(
            View::ALL.get(1),
            Some(&View::Console),
            "Console comes right after Tables"
        );
        assert_eq!(View::from_fragment("#/nope"), View::Tables);
        assert_eq!(View::from_fragment(""), View::Tables);
    }
}
