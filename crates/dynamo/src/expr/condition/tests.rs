use super::*;
use crate::expr::testing::{b, bs, item, l, m, n, ns, placeholders, s, ss};

/// A sample item with one attribute of every type.
fn sample() -> Item {
    item(&[
        ("pk", s("user#1")),
        ("name", s("Ada Lovelace")),
        ("age", n("36")),
        ("score", n("9.5")),
        ("bin", b(&[1, 2, 3, 4])),
        ("active", AttributeValue::Bool(true)),
        ("nothing", AttributeValue::Null),
        ("tags", ss(&["math", "poetry"])),
        ("lucky", ns(&["7", "13"])),
        ("bins", bs(&[&[1], &[2, 3]])),
        ("langs", l(vec![s("en"), n("2"), m(&[("x", s("y"))])])),
        (
            "address",
            m(&[
                ("city", s("London")),
                ("zip", s("W1")),
                ("street", l(vec![s("12 St")])),
            ]),
        ),
        ("greeting", s("héllo")),
    ])
}

/// Evaluates `source` against `item` with the given `:values` and `#names`.
fn holds_with(
    source: &str,
    item: &Item,
    names: &[(&str, &str)],
    values: &[(&str, AttributeValue)],
) -> bool {
    let mut request = placeholders(names, values);
    let condition = ConditionExpression::parse(ExpressionKind::Condition, source, &mut request)
        .unwrap_or_else(|error| panic!("{source}: {}", error.message));
    condition.evaluate(item)
}

fn holds(source: &str, values: &[(&str, AttributeValue)]) -> bool {
    holds_with(
        source,
        &sample(),
        &[("#n", "name"), ("#a", "address")],
        values,
    )
}

#[test]
fn equality_uses_dynamodb_value_equality() {
    assert!(holds("#n = :v", &[(":v", s("Ada Lovelace"))]));
    assert!(!holds("#n = :v", &[(":v", s("ada lovelace"))]));
    assert!(holds("age = :v", &[(":v", n("36.0"))]));
    assert!(holds("tags = :v", &[(":v", ss(&["poetry", "math"]))]));
    assert!(holds(
        "langs = :v",
        &[(":v", l(vec![s("en"), n("2"), m(&[("x", s("y"))])]))]
    ));
    assert!(holds("active = :v", &[(":v", AttributeValue::Bool(true))]));
    assert!(holds("nothing = :v", &[(":v", AttributeValue::Null)]));
    assert!(holds("age = age2 OR age = :v", &[(":v", n("36"))]));
}

#[test]
fn different_types_are_never_equal_or_ordered() {
    assert!(!holds("age = :v", &[(":v", s("36"))]));
    assert!(!holds("age < :v", &[(":v", s("99"))]));
    assert!(!holds("age >= :v", &[(":v", s("1"))]));
    assert!(holds("age <> :v", &[(":v", s("36"))]));
}

#[test]
fn ordering_covers_strings_numbers_and_binaries_only() {
    assert!(holds("age < :v", &[(":v", n("100"))]));
    assert!(holds("age <= :v", &[(":v", n("36"))]));
    assert!(holds("score > :v", &[(":v", n("-10"))]));
    assert!(holds("score >= :v", &[(":v", n("9.50"))]));
    assert!(!holds("score > :v", &[(":v", n("9.5"))]));
    assert!(holds("#n < :v", &[(":v", s("Ada Lovelace!"))]));
    assert!(holds("#n > :v", &[(":v", s("ADA"))]));
    assert!(holds("bin < :v", &[(":v", b(&[1, 2, 4]))]));
    assert!(holds("bin > :v", &[(":v", b(&[1, 2]))]));
    // Booleans, sets, lists and maps have no order.
    assert!(!holds(
        "active <= :v",
        &[(":v", AttributeValue::Bool(true))]
    ));
    assert!(!holds("tags >= :v", &[(":v", ss(&["math", "poetry"]))]));
}

#[test]
fn strings_order_by_utf8_bytes() {
    // 'é' (0xC3 0xA9) sorts after every ASCII letter, though 'z' is later in the alphabet.
    assert!(holds("greeting > :v", &[(":v", s("hz"))]));
    let item = item(&[("word", s("é"))]);
    assert!(holds_with("word > :v", &item, &[], &[(":v", s("z"))]));
}

#[test]
fn missing_attributes_make_comparisons_false_except_not_equal() {
    assert!(!holds("absent = :v", &[(":v", n("1"))]));
    assert!(!holds("absent < :v", &[(":v", n("1"))]));
    assert!(!holds("absent >= :v", &[(":v", n("1"))]));
    assert!(holds("absent <> :v", &[(":v", n("1"))]));
    assert!(holds(":v <> absent", &[(":v", n("1"))]));
    assert!(!holds("absent <> other_absent", &[]));
    assert!(!holds("absent = other_absent", &[]));
    assert!(!holds("#a.nowhere.deeper = :v", &[(":v", n("1"))]));
}

#[test]
fn between_is_inclusive_and_typed() {
    assert!(holds(
        "age BETWEEN :lo AND :hi",
        &[(":lo", n("36")), (":hi", n("40"))]
    ));
    assert!(holds(
        "age BETWEEN :lo AND :hi",
        &[(":lo", n("30")), (":hi", n("36"))]
    ));
    assert!(!holds(
        "age BETWEEN :lo AND :hi",
        &[(":lo", n("37")), (":hi", n("40"))]
    ));
    assert!(holds(
        "#n BETWEEN :lo AND :hi",
        &[(":lo", s("A")), (":hi", s("B"))]
    ));
    assert!(!holds(
        "#n BETWEEN :lo AND :hi",
        &[(":lo", n("1")), (":hi", n("2"))]
    ));
    assert!(!holds(
        "absent BETWEEN :lo AND :hi",
        &[(":lo", n("1")), (":hi", n("2"))]
    ));
    assert!(holds(
        "size(tags) BETWEEN :lo AND :hi",
        &[(":lo", n("2")), (":hi", n("2"))]
    ));
}

#[test]
fn in_matches_any_listed_value() {
    assert!(holds("age IN (:a, :b)", &[(":a", n("1")), (":b", n("36"))]));
    assert!(!holds(
        "age IN (:a, :b)",
        &[(":a", n("1")), (":b", s("36"))]
    ));
    assert!(holds("tags IN (:a)", &[(":a", ss(&["poetry", "math"]))]));
    assert!(holds("#n IN (age, #n)", &[]));
    assert!(!holds("absent IN (:a)", &[(":a", n("1"))]));
}

#[test]
fn attribute_exists_and_not_exists() {
    assert!(holds("attribute_exists(#a.city)", &[]));
    assert!(holds("attribute_exists(nothing)", &[]));
    assert!(holds("attribute_exists(langs[2].x)", &[]));
    assert!(!holds("attribute_exists(langs[3])", &[]));
    assert!(!holds("attribute_exists(#a.street.x)", &[]));
    assert!(holds("attribute_not_exists(absent)", &[]));
    assert!(!holds("attribute_not_exists(pk)", &[]));
    // Against no item at all (a PutItem that creates), only absence holds.
    let empty = Item::new();
    assert!(holds_with("attribute_not_exists(pk)", &empty, &[], &[]));
    assert!(!holds_with("attribute_exists(pk)", &empty, &[], &[]));
}

#[test]
fn attribute_type_compares_type_names() {
    for (path, type_name) in [
        ("#n", "S"),
        ("age", "N"),
        ("bin", "B"),
        ("active", "BOOL"),
        ("nothing", "NULL"),
        ("tags", "SS"),
        ("lucky", "NS"),
        ("bins", "BS"),
        ("langs", "L"),
        ("#a", "M"),
    ] {
        let source = format!("attribute_type({path}, :t)");
        assert!(
            holds(&source, &[(":t", s(type_name))]),
            "{path} is {type_name}"
        );
        let other = if type_name == "S" { "N" } else { "S" };
        assert!(
            !holds(&source, &[(":t", s(other))]),
            "{path} is not {other}"
        );
    }
    assert!(!holds("attribute_type(absent, :t)", &[(":t", s("S"))]));
}

#[test]
fn begins_with_strings_and_binaries() {
    assert!(holds("begins_with(#n, :p)", &[(":p", s("Ada"))]));
    assert!(holds("begins_with(#n, :p)", &[(":p", s(""))]));
    assert!(!holds("begins_with(#n, :p)", &[(":p", s("ada"))]));
    assert!(holds("begins_with(bin, :p)", &[(":p", b(&[1, 2]))]));
    assert!(!holds("begins_with(bin, :p)", &[(":p", b(&[2]))]));
    assert!(!holds("begins_with(bin, :p)", &[(":p", s("\u{1}"))]));
    assert!(!holds("begins_with(absent, :p)", &[(":p", s("A"))]));
}

#[test]
fn contains_substrings_members_and_elements() {
    assert!(holds("contains(#n, :v)", &[(":v", s("Love"))]));
    assert!(!holds("contains(#n, :v)", &[(":v", s("love"))]));
    assert!(holds("contains(tags, :v)", &[(":v", s("poetry"))]));
    assert!(!holds("contains(tags, :v)", &[(":v", s("poe"))]));
    assert!(holds("contains(lucky, :v)", &[(":v", n("13.0"))]));
    assert!(!holds("contains(lucky, :v)", &[(":v", s("13"))]));
    assert!(holds("contains(bins, :v)", &[(":v", b(&[2, 3]))]));
    assert!(holds("contains(langs, :v)", &[(":v", n("2"))]));
    assert!(holds("contains(langs, :v)", &[(":v", m(&[("x", s("y"))]))]));
    assert!(!holds("contains(langs, :v)", &[(":v", s("2"))]));
    assert!(holds("contains(bin, :v)", &[(":v", b(&[2, 3]))]));
    assert!(!holds("contains(age, :v)", &[(":v", n("3"))]));
    assert!(!holds("contains(absent, :v)", &[(":v", n("3"))]));
}

#[test]
fn size_measures_bytes_elements_and_entries() {
    assert!(holds("size(#n) = :v", &[(":v", n("12"))]));
    // "héllo" is five characters but six UTF-8 bytes.
    assert!(holds("size(greeting) = :v", &[(":v", n("6"))]));
    assert!(holds("size(bin) = :v", &[(":v", n("4"))]));
    assert!(holds("size(tags) = :v", &[(":v", n("2"))]));
    assert!(holds("size(lucky) = :v", &[(":v", n("2"))]));
    assert!(holds("size(bins) = :v", &[(":v", n("2"))]));
    assert!(holds("size(langs) = :v", &[(":v", n("3"))]));
    assert!(holds("size(#a) = :v", &[(":v", n("3"))]));
    assert!(holds("size(#a.street) < size(langs)", &[]));
    // Numbers, booleans and nulls have no size: every comparison is false but <>.
    assert!(!holds("size(age) = :v", &[(":v", n("2"))]));
    assert!(!holds("size(active) >= :v", &[(":v", n("0"))]));
    assert!(!holds("size(absent) = :v", &[(":v", n("0"))]));
    assert!(holds("size(nothing) <> :v", &[(":v", n("1"))]));
}

#[test]
fn logical_operators_combine() {
    let values = [(":yes", n("36")), (":no", n("0"))];
    assert!(holds("age = :yes AND attribute_exists(pk)", &values));
    assert!(!holds("age = :yes AND attribute_exists(absent)", &values));
    assert!(holds("age = :no OR age = :yes", &values));
    assert!(!holds("age = :no OR age <> :yes", &values));
    assert!(holds("NOT age = :no", &values));
    assert!(!holds("NOT (age = :no OR age = :yes)", &values));
    // Precedence: NOT binds tighter than AND, AND tighter than OR.
    assert!(holds("age = :yes OR age = :no AND age = :no", &values));
    assert!(!holds("(age = :yes OR age = :no) AND age = :no", &values));
    assert!(holds("NOT age = :no AND age = :yes", &values));
}

#[test]
fn placeholders_stand_for_names_anywhere_in_a_path() {
    let item = item(&[("a.b", s("dotted")), ("a", m(&[("b", s("nested"))]))]);
    let names = [("#dotted", "a.b"), ("#a", "a"), ("#b", "b")];
    assert!(holds_with(
        "#dotted = :v",
        &item,
        &names,
        &[(":v", s("dotted"))]
    ));
    assert!(holds_with(
        "#a.#b = :v",
        &item,
        &names,
        &[(":v", s("nested"))]
    ));
}

#[test]
fn conditions_print_as_parsed() {
    let mut request = placeholders(&[("#n", "name")], &[(":v", n("1"))]);
    let condition = ConditionExpression::parse(
        ExpressionKind::Filter,
        "not  #n=:v or size(x)   between :v and :v",
        &mut request,
    )
    .unwrap();
    assert_eq!(
        condition.to_string(),
        "NOT #n = :v OR size(x) BETWEEN :v AND :v"
    );
    assert_eq!(condition.kind(), ExpressionKind::Filter);
}

#[test]
fn the_helpers_follow_the_same_rules() {
    assert!(compare(Comparator::NotEqual, None, Some(&n("1"))));
    assert!(!compare(Comparator::Less, Some(&n("1")), None));
    assert_eq!(size(&n("1")), None);
    assert_eq!(size(&s("ab")), Some(2));
    assert!(between(&s("b"), &s("a"), &s("c")));
    assert!(!between(&s("b"), &n("1"), &s("c")));
    assert!(contains(&b(&[1, 2]), &b(&[])));
    assert!(begins_with(&b(&[1, 2]), &b(&[1])));
}
