use super::*;
use crate::expr::project;
use crate::expr::testing::{bs, item, l, m, message, n, ns, placeholders, s, ss};

const MISSING: &str =
    "The provided expression refers to an attribute that does not exist in the item";
const WRONG_TYPE: &str = "An operand in the update expression has an incorrect data type";
const BAD_PATH: &str = "The document path provided in the update expression is invalid for update";

fn parse(source: &str, values: &[(&str, AttributeValue)]) -> UpdateExpression {
    let mut request = placeholders(&[("#n", "name")], values);
    UpdateExpression::parse(source, &mut request)
        .unwrap_or_else(|error| panic!("{source}: {}", error.message))
}

fn apply(source: &str, before: &Item, values: &[(&str, AttributeValue)]) -> Result<Item> {
    parse(source, values).apply(before)
}

fn applied(source: &str, before: &Item, values: &[(&str, AttributeValue)]) -> Item {
    apply(source, before, values).unwrap_or_else(|error| panic!("{source}: {}", error.message))
}

#[test]
fn set_writes_top_level_and_nested_values() {
    let before = item(&[("pk", s("k")), ("info", m(&[("rating", n("3"))]))]);
    let after = applied(
        "SET title = :t, info.rating = :r, info.plot = :p, #n = :t",
        &before,
        &[(":t", s("Dune")), (":r", n("5")), (":p", s("spice"))],
    );
    assert_eq!(
        after,
        item(&[
            ("pk", s("k")),
            ("title", s("Dune")),
            ("name", s("Dune")),
            ("info", m(&[("rating", n("5")), ("plot", s("spice"))])),
        ])
    );
    // The input item is untouched.
    assert_eq!(before.get("title"), None);
}

#[test]
fn set_values_are_read_from_the_item_before_the_update() {
    let before = item(&[("a", n("1")), ("b", n("2"))]);
    let after = applied("SET a = b, b = a", &before, &[]);
    assert_eq!(after, item(&[("a", n("2")), ("b", n("1"))]));
}

#[test]
fn set_into_lists_replaces_or_appends_in_index_order() {
    let before = item(&[("l", l(vec![s("a"), s("b")]))]);
    let after = applied("SET l[1] = :x", &before, &[(":x", s("X"))]);
    assert_eq!(after, item(&[("l", l(vec![s("a"), s("X")]))]));
    let after = applied(
        "SET l[9] = :y, l[7] = :x",
        &before,
        &[(":x", s("x")), (":y", s("y"))],
    );
    assert_eq!(
        after,
        item(&[("l", l(vec![s("a"), s("b"), s("x"), s("y")]))])
    );
}

#[test]
fn the_dynamodb_nested_update_example() {
    // From DynamoDB's behaviour as recorded in dynalite's suite.
    let key = s("key");
    let before = item(&[
        ("a", key.clone()),
        ("b", m(&[("a", n("1")), ("b", n("2")), ("c", n("3"))])),
        ("c", l(vec![n("1"), n("3")])),
    ]);
    let update = parse(
        "set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a",
        &[(":a", n("2")), (":b", ss(&["a"]))],
    );
    let after = update.apply(&before).unwrap();
    assert_eq!(
        after,
        item(&[
            ("a", key.clone()),
            ("b", m(&[("a", key.clone()), ("b", n("2")), ("c", n("4"))])),
            (
                "c",
                l(vec![
                    n("1"),
                    key.clone(),
                    n("3"),
                    n("-1"),
                    n("2"),
                    ss(&["a"])
                ])
            ),
        ])
    );
    // UPDATED_NEW: the updated paths of the new item.
    assert_eq!(
        project(&after, update.target_paths()),
        item(&[
            ("b", m(&[("a", key.clone()), ("c", n("4"))])),
            ("c", l(vec![key, n("3"), n("2")])),
        ])
    );
}

#[test]
fn arithmetic_needs_numbers_that_exist() {
    let before = item(&[("visits", n("41")), ("label", s("x"))]);
    assert_eq!(
        applied("SET visits = visits + :one", &before, &[(":one", n("1"))]).get("visits"),
        Some(&n("42"))
    );
    assert_eq!(
        applied("SET d = :ten - visits", &before, &[(":ten", n("10"))]).get("d"),
        Some(&n("-31"))
    );
    assert_eq!(
        message(apply(
            "SET visits = label + :one",
            &before,
            &[(":one", n("1"))]
        )),
        WRONG_TYPE
    );
    assert_eq!(
        message(apply(
            "SET visits = :one - label",
            &before,
            &[(":one", n("1"))]
        )),
        WRONG_TYPE
    );
    assert_eq!(
        message(apply(
            "SET visits = absent + :one",
            &before,
            &[(":one", n("1"))]
        )),
        MISSING
    );
    assert_eq!(message(apply("SET c = absent", &before, &[])), MISSING);
}

#[test]
fn arithmetic_overflow_is_dynamodbs_error() {
    let big = n("9.9999999999999999999999999999999999999E+125");
    let before = item(&[("x", big.clone())]);
    let error = apply("SET x = x + :v", &before, &[(":v", big)]).unwrap_err();
    assert!(
        error.message.starts_with("Number overflow"),
        "{}",
        error.message
    );
}

#[test]
fn if_not_exists_keeps_existing_values() {
    let before = item(&[("a", n("1"))]);
    let after = applied(
        "SET a = if_not_exists(a, :zero), b = if_not_exists(b, :zero)",
        &before,
        &[(":zero", n("0"))],
    );
    assert_eq!(after, item(&[("a", n("1")), ("b", n("0"))]));
    assert_eq!(
        applied("SET b = if_not_exists(b, a)", &before, &[]).get("b"),
        Some(&n("1"))
    );
    assert_eq!(
        message(apply("SET b = if_not_exists(b, c)", &before, &[])),
        MISSING
    );
}

#[test]
fn list_append_joins_lists_in_order() {
    let before = item(&[("l", l(vec![n("1")])), ("s", s("x"))]);
    let more = l(vec![n("2"), n("3")]);
    assert_eq!(
        applied(
            "SET l = list_append(l, :more)",
            &before,
            &[(":more", more.clone())]
        )
        .get("l"),
        Some(&l(vec![n("1"), n("2"), n("3")]))
    );
    assert_eq!(
        applied(
            "SET l = list_append(:more, l)",
            &before,
            &[(":more", more.clone())]
        )
        .get("l"),
        Some(&l(vec![n("2"), n("3"), n("1")]))
    );
    assert_eq!(
        applied(
            "SET n = list_append(if_not_exists(n, :empty), :more)",
            &before,
            &[(":more", more.clone()), (":empty", l(vec![]))]
        )
        .get("n"),
        Some(&more)
    );
    assert_eq!(
        message(apply(
            "SET l = list_append(s, :more)",
            &before,
            &[(":more", more.clone())]
        )),
        WRONG_TYPE
    );
    assert_eq!(
        message(apply("SET e = list_append(l, c)", &before, &[])),
        MISSING
    );
}

#[test]
fn writes_below_a_missing_or_wrong_parent_are_invalid() {
    let before = item(&[
        ("b", s("text")),
        ("c", m(&[("1", s("a"))])),
        ("d", l(vec![s("a"), s("b")])),
    ]);
    let value = [(":a", ss(&["a"]))];
    for source in [
        "set b.a = :a",
        "set b[1] = :a",
        "set y.a = :a",
        "set y[1] = :a",
        "set c[1] = :a",
        "remove b.a",
        "remove b[1]",
        "remove y.a",
        "remove y[1]",
        "remove c[1]",
        "delete b.a :a",
        "delete y[1] :a",
        "delete c[1] :a",
        "add b.a :a",
        "add y.a :a",
        "add c[1] :a",
    ] {
        assert_eq!(
            message(apply(source, &before, &value)),
            BAD_PATH,
            "{source}"
        );
    }
    let mut request = placeholders(&[("#1", "1")], &value);
    for source in ["set d.#1 = :a", "remove d.#1", "add d.#1 :a"] {
        let update = UpdateExpression::parse(source, &mut request).unwrap();
        assert_eq!(message(update.apply(&before)), BAD_PATH, "{source}");
    }
    // A missing item has no parent for a nested path either.
    assert_eq!(
        message(apply("set b.a = :a", &Item::new(), &value)),
        BAD_PATH
    );
}

#[test]
fn remove_deletes_attributes_and_shifts_list_elements() {
    let before = item(&[
        ("a", n("1")),
        ("m", m(&[("x", n("1")), ("y", n("2"))])),
        ("l", l(vec![s("0"), s("1"), s("2"), s("3"), s("4")])),
    ]);
    let after = applied("REMOVE a, m.x, l[1]", &before, &[]);
    assert_eq!(
        after,
        item(&[
            ("m", m(&[("y", n("2"))])),
            ("l", l(vec![s("0"), s("2"), s("3"), s("4")]))
        ])
    );
    // Several indexes name the elements that were there before the update.
    let after = applied("REMOVE l[1], l[3]", &before, &[]);
    assert_eq!(after.get("l"), Some(&l(vec![s("0"), s("2"), s("4")])));
    // Removing what is not there changes nothing.
    assert_eq!(applied("REMOVE absent, m.z, l[10]", &before, &[]), before);
}

#[test]
fn add_creates_increments_and_unions() {
    let before = item(&[("n", n("5")), ("tags", ss(&["a", "b"])), ("name", s("x"))]);
    let after = applied(
        "ADD n :one, tags :more, fresh :one, fresh_set :nums",
        &before,
        &[
            (":one", n("1")),
            (":more", ss(&["b", "c"])),
            (":nums", ns(&["1", "2"])),
        ],
    );
    assert_eq!(after.get("n"), Some(&n("6")));
    assert_eq!(after.get("tags"), Some(&ss(&["a", "b", "c"])));
    assert_eq!(after.get("fresh"), Some(&n("1")));
    assert_eq!(after.get("fresh_set"), Some(&ns(&["1", "2"])));
    let AttributeValue::Ss(members) = after.get("tags").unwrap() else {
        panic!("not a set")
    };
    assert_eq!(
        members,
        &vec!["a".to_string(), "b".to_string(), "c".to_string()]
    );
    assert_eq!(
        message(apply("ADD #n :one", &before, &[(":one", n("1"))])),
        WRONG_TYPE
    );
    assert_eq!(
        message(apply("ADD tags :nums", &before, &[(":nums", ns(&["1"]))])),
        WRONG_TYPE
    );
    assert_eq!(
        message(apply("ADD n :s", &before, &[(":s", ss(&["x"]))])),
        WRONG_TYPE
    );
}

#[test]
fn add_to_a_list_index_past_the_end_appends() {
    let before = item(&[("l", l(vec![n("1")]))]);
    let after = applied("ADD l[5] :one", &before, &[(":one", n("1"))]);
    assert_eq!(after.get("l"), Some(&l(vec![n("1"), n("1")])));
}

#[test]
fn delete_subtracts_and_removes_emptied_sets() {
    let before = item(&[
        ("nums", ns(&["1", "2", "3"])),
        ("bins", bs(&[&[1], &[2]])),
        ("tags", ss(&["a"])),
        ("nested", l(vec![ss(&["x", "y"])])),
    ]);
    let after = applied(
        "DELETE nums :gone, bins :b, tags :a, nested[0] :x, absent :a",
        &before,
        &[
            (":gone", ns(&["1.0", "4"])),
            (":b", bs(&[&[2]])),
            (":a", ss(&["a"])),
            (":x", ss(&["x"])),
        ],
    );
    assert_eq!(
        after,
        item(&[
            ("nums", ns(&["2", "3"])),
            ("bins", bs(&[&[1]])),
            ("nested", l(vec![ss(&["y"])]))
        ])
    );
    assert_eq!(
        message(apply("DELETE nums :a", &before, &[(":a", ss(&["a"]))])),
        WRONG_TYPE
    );
}

#[test]
fn updates_print_as_parsed() {
    let update = parse("set a=:v remove b add c :v", &[(":v", n("1"))]);
    assert_eq!(update.to_string(), "SET a = :v REMOVE b ADD c :v");
}
