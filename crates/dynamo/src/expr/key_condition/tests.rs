use super::*;
use crate::expr::testing::{b, message, n, placeholders, s};

fn parse(source: &str, values: &[(&str, AttributeValue)]) -> Result<KeyConditionExpression> {
    let mut request = placeholders(&[("#k", "a")], values);
    KeyConditionExpression::parse(source, &mut request)
}

fn error(source: &str, values: &[(&str, AttributeValue)]) -> String {
    message(parse(source, values))
}

fn query(source: &str, values: &[(&str, AttributeValue)], range: Option<&str>) -> Result<KeyQuery> {
    parse(source, values)
        .unwrap_or_else(|e| panic!("{source}: {}", e.message))
        .analyse("a", range)
}

#[test]
fn or_not_in_and_not_equal_are_not_key_operators() {
    for (source, operator) in [
        ("a > b and size(b) > c or a > c", "OR"),
        ("a in (b, size(c), d)", "IN"),
        ("attribute_exists(a)", "attribute_exists"),
        ("attribute_not_exists(a)", "attribute_not_exists"),
        ("contains(a.d, b)", "contains"),
        ("not a > b", "NOT"),
        ("a <> b", "<>"),
    ] {
        assert_eq!(
            error(source, &[]),
            format!("Invalid operator used in KeyConditionExpression: {operator}")
        );
    }
    assert_eq!(
        error("attribute_type(a, :a)", &[(":a", s("S"))]),
        "Invalid operator used in KeyConditionExpression: attribute_type"
    );
}

#[test]
fn the_key_attribute_comes_first_in_between_and_begins_with() {
    let values = [(":a", s("1")), (":b", s("1"))];
    assert_eq!(
        error(":a between size(b) and size(a) and b > :b", &values),
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"
    );
    assert_eq!(
        error("begins_with(:a, b) and a > :b", &values),
        "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"
    );
}

#[test]
fn conditions_are_on_one_plain_attribute_each() {
    for source in [
        "size(b) > a AND a.b > b AND b > c",
        "a > size(b.d)",
        "a between size(b) and size(a)",
    ] {
        assert_eq!(
            error(source, &[]),
            "KeyConditionExpressions cannot contain nested operations"
        );
    }
    for source in [
        "b > a.b",
        "b between c[1] and d",
        "a between b and size(a)",
        "begins_with(a, b)",
    ] {
        assert_eq!(
            error(source, &[]),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
            "{source}"
        );
    }
    for source in ["b.d > a AND c.d > e.f", "a.d > c", "b[0] > a"] {
        assert_eq!(
            error(source, &[]),
            "KeyConditionExpressions cannot have conditions on nested attributes"
        );
    }
    let values = [(":a", n("1")), (":b", n("1"))];
    for source in [":b > :a AND a < :b", ":a > b AND :a < :b"] {
        assert_eq!(
            error(source, &values),
            "Invalid condition in KeyConditionExpression: No key attribute specified"
        );
    }
}

#[test]
fn at_most_one_condition_per_attribute_and_two_in_all() {
    let values = [(":a", n("1"))];
    for source in [
        "b > :a AND b < :a and c = :a and d = :a",
        "(a > :a and b > :a) and (b > :a and c > :a)",
    ] {
        assert_eq!(
            error(source, &values),
            "KeyConditionExpressions must only contain one condition per key"
        );
    }
    assert_eq!(
        error("a = :a AND b = :a AND c = :a", &values),
        "Conditions can be of length 1 or 2 only"
    );
}

#[test]
fn general_condition_checks_come_first_with_the_parameter_name() {
    assert_eq!(
        error("a between :b and :a", &[(":a", s("a")), (":b", n("1"))]),
        "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"
    );
    assert_eq!(
        error("a between :b and :a", &[(":a", s("a")), (":b", s("b"))]),
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"
    );
    assert!(error("attribute_type(a, b)", &[]).starts_with(
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type:"
    ));
    assert!(
        error("(size(a))[0] > a", &[])
            .starts_with("Invalid KeyConditionExpression: Syntax error; ")
    );
    assert_eq!(
        error("", &[]),
        "Invalid KeyConditionExpression: The expression can not be empty;"
    );
}

#[test]
fn the_schema_decides_what_is_missing_or_unsupported() {
    let one = [(":a", n("1")), (":b", n("2"))];
    assert_eq!(
        message(query("z = :a", &one, Some("b"))),
        "Query condition missed key schema element: a"
    );
    assert_eq!(
        message(query("z between :a and :b", &one, Some("b"))),
        "Query condition missed key schema element: a"
    );
    assert_eq!(
        message(query("a = :a AND z = :b", &one, Some("b"))),
        "Query condition missed key schema element: b"
    );
    assert_eq!(
        message(query("a = :a AND b = :b", &one, None)),
        "Query key condition not supported"
    );
    assert_eq!(
        message(query("a > :a", &one, Some("b"))),
        "Query key condition not supported"
    );
    assert_eq!(
        message(query("begins_with(a, :p)", &[(":p", s("x"))], None)),
        "Query key condition not supported"
    );
}

#[test]
fn a_partition_equality_alone_reads_the_whole_partition() {
    let key = query("#k = :v", &[(":v", s("user#1"))], Some("b")).unwrap();
    assert_eq!(
        key,
        KeyQuery {
            partition_key: "a".into(),
            partition_value: s("user#1"),
            sort_key: None
        }
    );
}

#[test]
fn sort_key_conditions_are_recognised_in_either_order() {
    let values = [(":v", s("p")), (":lo", n("1")), (":hi", n("5"))];
    let between = query("a = :v AND b BETWEEN :lo AND :hi", &values, Some("b")).unwrap();
    assert_eq!(
        between.sort_key,
        Some(SortKeyCondition {
            attribute: "b".into(),
            comparison: KeyComparison::Between(n("1"), n("5")),
        })
    );
    // `:lo < b` is `b > :lo`; the sort key may come first.
    let flipped = query(":lo < b AND :v = a", &values, Some("b")).unwrap();
    assert_eq!(flipped.partition_value, s("p"));
    assert_eq!(
        flipped.sort_key.unwrap().comparison,
        KeyComparison::Greater(n("1"))
    );
    let prefix = query("a = :v AND begins_with(b, :v)", &values, Some("b")).unwrap();
    assert_eq!(
        prefix.sort_key.unwrap().comparison,
        KeyComparison::BeginsWith(s("p"))
    );
}

#[test]
fn sort_key_conditions_match_values() {
    let matches = |comparison: KeyComparison, value: AttributeValue| {
        SortKeyCondition {
            attribute: "b".into(),
            comparison,
        }
        .matches(&value)
    };
    assert!(matches(KeyComparison::Equal(n("2")), n("2.0")));
    assert!(!matches(KeyComparison::Equal(n("2")), s("2")));
    assert!(matches(KeyComparison::Less(n("2")), n("1")));
    assert!(!matches(KeyComparison::Less(n("2")), n("2")));
    assert!(matches(KeyComparison::LessOrEqual(n("2")), n("2")));
    assert!(matches(KeyComparison::Greater(s("b")), s("c")));
    assert!(!matches(KeyComparison::Greater(s("b")), s("b")));
    assert!(matches(KeyComparison::GreaterOrEqual(s("b")), s("b")));
    assert!(matches(KeyComparison::Between(n("1"), n("3")), n("3")));
    assert!(!matches(KeyComparison::Between(n("1"), n("3")), n("4")));
    assert!(matches(KeyComparison::BeginsWith(s("ord#")), s("ord#2024")));
    assert!(!matches(KeyComparison::BeginsWith(s("ord#")), s("or")));
    assert!(matches(KeyComparison::BeginsWith(b(&[1])), b(&[1, 2])));
    assert_eq!(
        KeyComparison::Between(n("1"), n("3")).values(),
        vec![&n("1"), &n("3")]
    );
}

#[test]
fn key_conditions_keep_their_text_and_bindings() {
    let condition = parse("#k = :v AND b > :w", &[(":v", s("x")), (":w", n("1"))]).unwrap();
    assert_eq!(condition.to_string(), "#k = :v AND b > :w");
    assert_eq!(condition.conditions().len(), 2);
    assert_eq!(condition.bindings().value(":w"), Some(&n("1")));
}

#[test]
fn key_values_must_have_the_declared_types() {
    let values = [(":v", s("p")), (":n", n("1"))];
    let typed = query("a = :v AND b > :n", &values, Some("b")).unwrap();
    assert!(typed.check_key_types("S", Some("N")).is_ok());
    let mismatch = "One or more parameter values were invalid: Condition parameter type does not match schema type";
    assert_eq!(message(typed.check_key_types("N", Some("N"))), mismatch);
    assert_eq!(message(typed.check_key_types("S", Some("S"))), mismatch);
    let partition_only = query("a = :n", &values, Some("b")).unwrap();
    assert!(partition_only.check_key_types("N", Some("S")).is_ok());
}
