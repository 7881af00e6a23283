use super::*;
use crate::expr::testing::{item, l, m, n, placeholders, s};

fn sample() -> Item {
    item(&[
        ("pk", s("movie#1")),
        ("title", s("Dune")),
        (
            "info",
            m(&[
                ("rating", n("8")),
                ("plot", s("spice")),
                ("genres", l(vec![s("sf")])),
            ]),
        ),
        (
            "actors",
            l(vec![s("a0"), s("a1"), s("a2"), s("a3"), s("a4")]),
        ),
        (
            "grid",
            l(vec![l(vec![n("0"), n("1")]), l(vec![n("2"), n("3")])]),
        ),
    ])
}

fn projected(source: &str, names: &[(&str, &str)]) -> Item {
    let mut request = placeholders(names, &[]);
    ProjectionExpression::parse(source, &mut request)
        .unwrap_or_else(|error| panic!("{source}: {}", error.message))
        .apply(&sample())
}

#[test]
fn top_level_attributes_are_copied_whole() {
    assert_eq!(
        projected("title, info", &[]),
        item(&[
            ("title", s("Dune")),
            ("info", sample().get("info").cloned().unwrap())
        ])
    );
}

#[test]
fn nested_paths_keep_their_nesting() {
    assert_eq!(
        projected("info.rating, #g[0]", &[("#g", "grid")]),
        item(&[
            ("info", m(&[("rating", n("8"))])),
            ("grid", l(vec![l(vec![n("0"), n("1")])]))
        ])
    );
    assert_eq!(
        projected("grid[1][0], info.genres[0]", &[]),
        item(&[
            ("grid", l(vec![l(vec![n("2")])])),
            ("info", m(&[("genres", l(vec![s("sf")]))])),
        ])
    );
}

#[test]
fn list_selections_close_gaps_in_index_order() {
    assert_eq!(
        projected("actors[4], actors[1]", &[]),
        item(&[("actors", l(vec![s("a1"), s("a4")]))])
    );
}

#[test]
fn missing_paths_are_left_out() {
    assert_eq!(
        projected("absent, info.absent, actors[9], title.x", &[]),
        Item::new()
    );
    assert_eq!(
        projected("absent, title", &[]),
        item(&[("title", s("Dune"))])
    );
}

#[test]
fn placeholders_resolve_and_top_level_names_are_listed() {
    let mut request = placeholders(&[("#t", "title"), ("#i", "info")], &[]);
    let projection = ProjectionExpression::parse("#t, #i.plot, #i.rating", &mut request).unwrap();
    assert_eq!(projection.top_level_attributes(), vec!["info", "title"]);
    assert_eq!(projection.to_string(), "#t, #i.plot, #i.rating");
    assert!(request.check_all_used().is_ok());
}

#[test]
fn project_tolerates_overlapping_paths() {
    // UPDATED_OLD/NEW paths never overlap, but project itself is total.
    let paths = [
        DocumentPath {
            steps: vec![PathStep::Attribute("info".into())],
        },
        DocumentPath {
            steps: vec![
                PathStep::Attribute("info".into()),
                PathStep::Attribute("plot".into()),
            ],
        },
    ];
    assert_eq!(project(&sample(), &paths).get("info"), sample().get("info"));
}
