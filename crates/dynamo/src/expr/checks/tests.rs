//! The messages below are the ones DynamoDB returned for the same expressions in tests run
//! against the real service (dynalite's suite, whose expectations were recorded from AWS).

use crate::expr::testing::{b, bs, l, m, message, n, ns, placeholders, s, ss};
use crate::expr::{
    ConditionExpression, ExpressionKind, Placeholders, ProjectionExpression, UpdateExpression,
};
use crate::value::AttributeValue;

fn filter_error(source: &str, mut placeholders: Placeholders) -> String {
    message(ConditionExpression::parse(
        ExpressionKind::Filter,
        source,
        &mut placeholders,
    ))
}

fn update_error(source: &str, mut placeholders: Placeholders) -> String {
    message(UpdateExpression::parse(source, &mut placeholders))
}

fn none() -> Placeholders {
    Placeholders::none()
}

const FILTER: &str = "Invalid FilterExpression: ";
const UPDATE: &str = "Invalid UpdateExpression: ";

#[test]
fn redundant_parentheses_come_first() {
    for source in [
        "a=a and a > ((views))",
        "(a)between(((b.c)).d)and(c)",
        "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a",
        "a=a OR ((a=a OR a=a)) OR a=a",
        "a=a AND ((a=a AND (a=a AND a=a)))",
        "a=a OR ((a=a OR (a=a OR a=a)))",
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!("{FILTER}The expression has redundant parentheses;"),
            "{source}"
        );
    }
    assert_eq!(
        message(ConditionExpression::parse(
            ExpressionKind::Condition,
            "((attribute_not_exists(pk)))",
            &mut none()
        )),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
}

#[test]
fn unknown_function_names() {
    for (source, function) in [
        ("a=a and whatever((:things)) > a", "whatever"),
        ("attRIbute_exIsts((views), #a)", "attRIbute_exIsts"),
        ("SIZE(a) > :n", "SIZE"),
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!("{FILTER}Invalid function name; function: {function}")
        );
    }
}

#[test]
fn functions_used_in_the_wrong_place() {
    for (source, function) in [
        (
            "a=a and attribute_exists((views), (#a)) > b",
            "attribute_exists",
        ),
        ("attribute_not_exists(things) > b", "attribute_not_exists"),
        ("attribute_type(things, :a) > b", "attribute_type"),
        ("begins_with(things, a) > b", "begins_with"),
        ("contains(:things, c) > b", "contains"),
        ("size(contains(a, b)) > a", "contains"),
        ("size(things)", "size"),
        (
            "a between b and attribute_exists(things)",
            "attribute_exists",
        ),
        ("a in (b, attribute_exists(things))", "attribute_exists"),
        ("NOT size(a) AND b = c", "size"),
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!(
                "{FILTER}The function is not allowed to be used this way in an expression; function: {function}"
            ),
            "{source}"
        );
    }
}

#[test]
fn reserved_words_as_attribute_names() {
    for (source, word) in [
        ("attribute_exists(views, #a)", "views"),
        (":a < abOrT", "abOrT"),
        ("a.name = :v", "name"),
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!("{FILTER}Attribute name is a reserved keyword; reserved keyword: {word}")
        );
    }
    // Through a placeholder the same word is fine.
    let mut placeholders = placeholders(&[("#n", "name")], &[(":v", s("x"))]);
    assert!(
        ConditionExpression::parse(ExpressionKind::Filter, "#n = :v", &mut placeholders).is_ok()
    );
}

#[test]
fn undefined_names_and_values() {
    for (source, placeholder) in [
        (
            "attribute_exists(#Pictures.RearView, :a) and a=a",
            "#Pictures",
        ),
        ("begins_with(Pictures.#RearView)", "#RearView"),
        ("(#P between :lo and :hi) and (#PC in (:cat1, :cat2))", "#P"),
        ("#4g > a", "#4g"),
        ("#_ > a", "#_"),
        ("(a)between(b.c[45].#d)and(:a)", "#d"),
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!(
                "{FILTER}An expression attribute name used in the document path is not defined; attribute name: {placeholder}"
            )
        );
    }
    for (source, placeholder) in [
        ("begins_with(:hello, #a, #b)", ":hello"),
        (":a < :b", ":a"),
        (":_ > a", ":_"),
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!(
                "{FILTER}An expression attribute value used in expression is not defined; attribute value: {placeholder}"
            )
        );
    }
}

#[test]
fn functions_with_the_wrong_number_of_operands() {
    for (source, function, count) in [
        ("attribute_exists(things, a) and a=a", "attribute_exists", 2),
        ("attribute_not_exists(things, b)", "attribute_not_exists", 2),
        ("attribute_type(things)", "attribute_type", 1),
        ("begins_with(things)", "begins_with", 1),
        ("begins_with(things, size(a), b)", "begins_with", 3),
        ("contains(things)", "contains", 1),
        ("size(things, a) > b", "size", 2),
    ] {
        assert_eq!(
            filter_error(source, none()),
            format!(
                "{FILTER}Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {count}"
            )
        );
    }
}

#[test]
fn functions_with_operands_of_the_wrong_type() {
    let values = [
        n("1"),
        b(b"a"),
        AttributeValue::Bool(true),
        AttributeValue::Null,
        l(vec![]),
        m(&[]),
        ss(&["1"]),
        ns(&["1"]),
        bs(&[b"a"]),
    ];
    let mut cases: Vec<(&str, &str, AttributeValue)> = vec![
        (
            "attribute_type(a, size(a)) and a=a and a=:a",
            "attribute_type",
            n("1"),
        ),
        ("begins_with(a, size(a)) and a=:a", "begins_with", n("1")),
        ("size(size(a)) > :a", "size", n("1")),
        ("attribute_not_exists(size(:a))", "size", n("1")),
        ("size(:a) > a", "size", AttributeValue::Bool(true)),
        ("size(:a) > a", "size", AttributeValue::Null),
    ];
    for value in &values {
        cases.push(("attribute_type(a, :a)", "attribute_type", value.clone()));
    }
    for value in values
        .iter()
        .filter(|value| !matches!(value, AttributeValue::B(_)))
    {
        cases.push(("begins_with(a, :a)", "begins_with", value.clone()));
        cases.push(("begins_with(:a, a)", "begins_with", value.clone()));
    }
    for (source, function, value) in cases {
        let type_name = value.type_name();
        assert_eq!(
            filter_error(source, placeholders(&[], &[(":a", value)])),
            format!(
                "{FILTER}Incorrect operand type for operator or function; operator or function: {function}, operand type: {type_name}"
            ),
            "{source}"
        );
    }
    assert_eq!(
        filter_error("attribute_type(a, b)", none()),
        format!(
            "{FILTER}Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {{NS,SS,L,BS,N,M,B,BOOL,NULL,S}}"
        )
    );
}

#[test]
fn attribute_type_names_are_checked() {
    assert_eq!(
        filter_error(
            "attribute_type(a, :a)",
            placeholders(&[], &[(":a", s("1"))])
        ),
        format!(
            "{FILTER}Invalid attribute type name found; type: 1, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"
        )
    );
    let mut ok = placeholders(&[], &[(":a", s("SS"))]);
    assert!(
        ConditionExpression::parse(ExpressionKind::Filter, "attribute_type(a, :a)", &mut ok)
            .is_ok()
    );
}

#[test]
fn presence_functions_need_a_path() {
    for (source, function) in [
        ("attribute_exists(:a) and a=a", "attribute_exists"),
        ("attribute_not_exists(size(:a))", "attribute_not_exists"),
    ] {
        assert_eq!(
            filter_error(source, placeholders(&[], &[(":a", s("1"))])),
            format!(
                "{FILTER}Operator or function requires a document path; operator or function: {function}"
            )
        );
    }
}

#[test]
fn operands_must_be_distinct() {
    for (source, operator, path) in [
        ("a = a AND #a = b AND :views > a", "=", "[a]"),
        ("#a <> a", "<>", "[a]"),
        ("a > #a", ">", "[a]"),
        ("((a=a) OR (a=a))", "=", "[a]"),
        ("((a=a) AND (a=a))", "=", "[a]"),
        (
            "contains(ab.bc[1].a, ab.bc[1].#a)",
            "contains",
            "[ab, bc, [1], a]",
        ),
        (
            "attribute_type(ab.bc[1].#a, ab.bc[1].a)",
            "attribute_type",
            "[ab, bc, [1], a]",
        ),
        (
            "begins_with(ab.bc[1].a, ab.bc[1].#a)",
            "begins_with",
            "[ab, bc, [1], a]",
        ),
    ] {
        assert_eq!(
            filter_error(source, placeholders(&[("#a", "a")], &[])),
            format!(
                "{FILTER}The first operand must be distinct from the remaining operands for this operator or function; operator: {operator}, first operand: {path}"
            ),
            "{source}"
        );
    }
    // Two equal values are fine.
    let mut values = placeholders(&[], &[(":a", n("1"))]);
    assert!(ConditionExpression::parse(ExpressionKind::Filter, ":a > :a", &mut values).is_ok());
}

#[test]
fn between_bounds_must_agree_and_be_ordered() {
    assert_eq!(
        filter_error(
            "a between :b and :a",
            placeholders(&[], &[(":a", s("a")), (":b", n("1"))])
        ),
        format!(
            "{FILTER}The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {{N:1}}, upper bound operand: AttributeValue: {{S:a}}"
        )
    );
    assert_eq!(
        message(ConditionExpression::parse(
            ExpressionKind::Condition,
            "a BETWEEN :lo AND :hi",
            &mut placeholders(&[], &[(":lo", n("5")), (":hi", n("1"))])
        )),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"
    );
    let mut equal = placeholders(&[], &[(":lo", n("5")), (":hi", n("5.0"))]);
    assert!(
        ConditionExpression::parse(ExpressionKind::Filter, "a BETWEEN :lo AND :hi", &mut equal)
            .is_ok()
    );
}

#[test]
fn the_first_problem_in_priority_order_wins() {
    // An unknown function beats a reserved word and an undefined placeholder.
    assert_eq!(
        filter_error("nope(name) = #x", none()),
        format!("{FILTER}Invalid function name; function: nope")
    );
    // A reserved word beats an undefined placeholder and an operand count.
    assert_eq!(
        filter_error("contains(#x) AND status = :v", none()),
        format!("{FILTER}Attribute name is a reserved keyword; reserved keyword: status")
    );
    // The first comparison with a problem wins over later, more serious ones.
    assert_eq!(
        filter_error("a = a AND #undefined = :v", none()),
        format!(
            "{FILTER}The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"
        )
    );
}

#[test]
fn checks_record_the_placeholders_they_use() {
    let mut request = placeholders(
        &[("#a", "a"), ("#unused", "x")],
        &[(":v", n("1")), (":w", n("2")), (":spare", n("3"))],
    );
    let condition =
        ConditionExpression::parse(ExpressionKind::Filter, "#a = :v OR b = :w", &mut request)
            .unwrap();
    assert_eq!(condition.bindings().name("#a"), Some("a"));
    assert_eq!(condition.bindings().value(":w"), Some(&n("2")));
    assert_eq!(
        message(request.check_all_used()),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"
    );
}

// ---- updates ----------------------------------------------------------------------------

#[test]
fn update_reserved_words_and_unknown_functions() {
    let request = || {
        placeholders(
            &[("#a", "a"), ("#b", "b")],
            &[(":a", s("a")), (":b", s("a"))],
        )
    };
    for (source, word) in [
        (" set #c = :c set abOrt = true ", "abOrt"),
        (" remove Absolute ", "Absolute"),
    ] {
        assert_eq!(
            update_error(source, request()),
            format!("{UPDATE}Attribute name is a reserved keyword; reserved keyword: {word}")
        );
    }
    assert_eq!(
        update_error("set #c = if_not_exist(:c) set c = d", request()),
        format!("{UPDATE}Invalid function name; function: if_not_exist")
    );
    assert_eq!(
        update_error("SET a = size(b)", none()),
        format!("{UPDATE}Invalid function name; function: size")
    );
}

#[test]
fn update_sections_may_appear_once() {
    let request = || {
        placeholders(
            &[("#a", "a"), ("#b", "b")],
            &[(":a", s("a")), (":b", s("a"))],
        )
    };
    for (source, keyword) in [
        ("set a = #c set c = :d", "SET"),
        ("remove #d set a = b remove e", "REMOVE"),
        ("add #d :e set a = b add e :f", "ADD"),
        ("delete #d :e set a = b delete #e :f", "DELETE"),
    ] {
        assert_eq!(
            update_error(source, request()),
            format!(
                "{UPDATE}The \"{keyword}\" section can only be used once in an update expression;"
            )
        );
    }
}

#[test]
fn update_undefined_placeholders() {
    let request = || {
        placeholders(
            &[("#a", "a"), ("#b", "b")],
            &[(":a", s("a")), (":b", s("a"))],
        )
    };
    assert_eq!(
        update_error("SET #c = if_not_exists(:c)", request()),
        format!(
            "{UPDATE}An expression attribute name used in the document path is not defined; attribute name: #c"
        )
    );
    assert_eq!(
        update_error("SET #a = if_not_exists(:c)", request()),
        format!(
            "{UPDATE}An expression attribute value used in expression is not defined; attribute value: :c"
        )
    );
    // Names are reported before values even when the value comes first.
    assert_eq!(
        update_error("SET a = :zz, #zz = b", request()),
        format!(
            "{UPDATE}An expression attribute name used in the document path is not defined; attribute name: #zz"
        )
    );
}

#[test]
fn update_paths_may_not_overlap() {
    let request = || placeholders(&[("#c", "c"), ("#d", "[3]")], &[]);
    for (source, one, two) in [
        (
            "set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)",
            "[c, [1], a]",
            "[c]",
        ),
        ("set c.b.#c = a, c = a, #d = a", "[c, b, c]", "[c]"),
        ("set a = b remove a, #c, #d", "[a]", "[a]"),
        ("set #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
        ("remove c, #c.a, #d", "[c]", "[c, a]"),
        ("remove a, #c, a, #d", "[a]", "[a]"),
    ] {
        assert_eq!(
            update_error(source, request()),
            format!(
                "{UPDATE}Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
            ),
            "{source}"
        );
    }
}

#[test]
fn update_paths_may_not_conflict() {
    let request = || placeholders(&[("#b", "b"), ("#c", "c"), ("#d", "[3]")], &[]);
    for (source, one, two) in [
        (
            "set #c[3].#d = a, #c.#d[3] = if_not_exists(a)",
            "[c, [3], [3]]",
            "[c, [3], [3]]",
        ),
        ("remove a.#c set a[1] = #d", "[a, c]", "[a, [1]]"),
    ] {
        assert_eq!(
            update_error(source, request()),
            format!(
                "{UPDATE}Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
            )
        );
    }
}

#[test]
fn add_and_delete_take_only_numbers_and_sets() {
    let cases = [
        (
            "set b = list_append(:a, a), c = if_not_exists(a) add a.b :a",
            s("a"),
            "ADD",
            "STRING",
        ),
        ("delete a.b :a", s("a"), "DELETE", "STRING"),
        ("add a.b :a", AttributeValue::Null, "ADD", "NULL"),
        ("delete a.b :a", AttributeValue::Null, "DELETE", "NULL"),
        ("add a.b :a", AttributeValue::Bool(false), "ADD", "BOOLEAN"),
        (
            "delete a.b :a",
            AttributeValue::Bool(false),
            "DELETE",
            "BOOLEAN",
        ),
        ("add a.b :a", b(b"a"), "ADD", "BINARY"),
        ("delete a.b :a", b(b"a"), "DELETE", "BINARY"),
        ("add a.b :a", m(&[("a", l(vec![n("1")]))]), "ADD", "MAP"),
        (
            "delete a.b :a",
            m(&[("a", l(vec![n("1")]))]),
            "DELETE",
            "MAP",
        ),
        ("add a.b :a", l(vec![n("1")]), "ADD", "LIST"),
        ("delete a.b :a", l(vec![n("1")]), "DELETE", "LIST"),
        ("delete a.b :a", n("1"), "DELETE", "NUMBER"),
    ];
    for (source, value, action, word) in cases {
        assert_eq!(
            update_error(source, placeholders(&[], &[(":a", value), (":b", s("a"))])),
            format!(
                "{UPDATE}Incorrect operand type for operator or function; operator: {action}, operand type: {word}"
            ),
            "{source}"
        );
    }
    for value in [n("1"), ss(&["a"]), ns(&["1"]), bs(&[b"a"])] {
        let mut ok = placeholders(&[], &[(":a", value)]);
        assert!(UpdateExpression::parse("ADD a :a", &mut ok).is_ok());
    }
}

#[test]
fn update_functions_check_operand_counts_paths_and_types() {
    let request = || {
        placeholders(
            &[],
            &[
                (":a", s("a")),
                (":b", n("1")),
                (":c", b(b"a")),
                (":d", AttributeValue::Bool(false)),
                (":e", AttributeValue::Null),
                (":f", ss(&["a"])),
                (":g", ns(&["1"])),
                (":h", bs(&[b"a"])),
                (":i", m(&[])),
                (":j", l(vec![])),
            ],
        )
    };
    for (source, function, count) in [
        ("set a = if_not_exists(c)", "if_not_exists", 1),
        ("set a = list_append(c)", "list_append", 1),
    ] {
        assert_eq!(
            update_error(source, request()),
            format!(
                "{UPDATE}Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {count}"
            )
        );
    }
    for source in [
        "set a = if_not_exists(:a, c)",
        "set a = if_not_exists(if_not_exists(a, b), c)",
    ] {
        assert_eq!(
            update_error(source, request()),
            format!(
                "{UPDATE}Operator or function requires a document path; operator or function: if_not_exists"
            )
        );
    }
    for (source, function, type_name) in [
        ("set a = list_append(:a, a)", "list_append", "S"),
        ("set a = list_append(a, :b)", "list_append", "N"),
        ("set a = list_append(:c, a)", "list_append", "B"),
        ("set a = list_append(:d, a)", "list_append", "BOOL"),
        ("set a = list_append(:e, a)", "list_append", "NULL"),
        ("set a = list_append(:f, a)", "list_append", "SS"),
        ("set a = list_append(:g, a)", "list_append", "NS"),
        ("set a = list_append(:h, a)", "list_append", "BS"),
        ("set a = list_append(:i, a)", "list_append", "M"),
        ("set a = a + :a", "+", "S"),
        ("set a = :a + :c", "+", "S"),
        ("set a = :c + a", "+", "B"),
        ("set a = a + :d", "+", "BOOL"),
        ("set a = a + :j", "+", "L"),
        ("set a = a - :e", "-", "NULL"),
        ("set a = a - :f", "-", "SS"),
        ("set a = a - :i", "-", "M"),
    ] {
        assert_eq!(
            update_error(source, request()),
            format!(
                "{UPDATE}Incorrect operand type for operator or function; operator or function: {function}, operand type: {type_name}"
            ),
            "{source}"
        );
    }
}

#[test]
fn update_checks_return_target_paths_in_order() {
    let mut request = placeholders(&[("#n", "name")], &[(":v", n("1")), (":s", ss(&["x"]))]);
    let update = UpdateExpression::parse(
        "REMOVE gone SET #n = :v, l[2] = :v ADD c :v DELETE s :s",
        &mut request,
    )
    .unwrap();
    let targets: Vec<String> = update
        .target_paths()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(targets, vec!["gone", "name", "l[2]", "c", "s"]);
    assert!(request.check_all_used().is_ok());
}

// ---- projections ------------------------------------------------------------------------

#[test]
fn projection_problems() {
    let projection_error = |source: &str, mut request: Placeholders| {
        message(ProjectionExpression::parse(source, &mut request))
    };
    assert_eq!(
        projection_error("a, name", none()),
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"
    );
    assert_eq!(
        projection_error("a, #n", none()),
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"
    );
    assert_eq!(
        projection_error("a.b, c, a", none()),
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"
    );
    assert_eq!(
        projection_error("l[0], #l.x", placeholders(&[("#l", "l")], &[])),
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [l, [0]], path two: [l, x]"
    );
}

// ---- robustness ---------------------------------------------------------------------------

mod fuzz {
    use crate::expr::testing::{item, l, m, n, placeholders, s, ss};
    use crate::expr::{
        ConditionExpression, ExpressionKind, KeyConditionExpression, Placeholders,
        ProjectionExpression, UpdateExpression,
    };
    use proptest::prelude::*;

    fn request() -> Placeholders {
        placeholders(
            &[("#n", "name"), ("#l", "l")],
            &[
                (":v", n("1")),
                (":s", s("a")),
                (":l", l(vec![n("2")])),
                (":ss", ss(&["a"])),
                (":t", s("N")),
            ],
        )
    }

    /// Text built from the expression vocabulary, mostly not a valid expression.
    fn token_soup() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("a"),
            Just("b.c"),
            Just("l[0]"),
            Just("#n"),
            Just(":v"),
            Just(":s"),
            Just("="),
            Just("<>"),
            Just("<"),
            Just("+"),
            Just("-"),
            Just(","),
            Just("("),
            Just(")"),
            Just("AND"),
            Just("OR"),
            Just("NOT"),
            Just("BETWEEN"),
            Just("IN"),
            Just("SET"),
            Just("REMOVE"),
            Just("ADD"),
            Just("DELETE"),
            Just("size("),
            Just("contains("),
            Just("if_not_exists("),
            Just("#missing"),
            Just(":missing"),
        ];
        prop::collection::vec(token, 1..14).prop_map(|tokens| tokens.join(" "))
    }

    fn path() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a", "b.c", "b.d", "l[0]", "l[1]", "l[7]", "#n", "#l[1]", "x.y",
        ])
        .prop_map(str::to_string)
    }

    fn value() -> impl Strategy<Value = String> {
        prop::sample::select(vec![":v", ":s", ":l", ":ss", ":t"]).prop_map(str::to_string)
    }

    fn operand() -> impl Strategy<Value = String> {
        prop_oneof![path(), value(), path().prop_map(|p| format!("size({p})"))]
    }

    /// Well-formed conditions over the sample item, most of which pass the checks.
    fn condition_text() -> impl Strategy<Value = String> {
        let comparator = prop::sample::select(vec!["=", "<>", "<", "<=", ">", ">="]);
        let leaf = prop_oneof![
            (operand(), comparator, operand()).prop_map(|(a, c, b)| format!("{a} {c} {b}")),
            (operand(), value(), value())
                .prop_map(|(a, lo, hi)| format!("{a} BETWEEN {lo} AND {hi}")),
            (operand(), prop::collection::vec(value(), 1..4))
                .prop_map(|(a, list)| format!("{a} IN ({})", list.join(", "))),
            path().prop_map(|p| format!("attribute_exists({p})")),
            path().prop_map(|p| format!("attribute_not_exists({p})")),
            path().prop_map(|p| format!("begins_with({p}, :s)")),
            (path(), value()).prop_map(|(p, v)| format!("contains({p}, {v})")),
            path().prop_map(|p| format!("attribute_type({p}, :t)")),
        ];
        leaf.prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|c| format!("NOT ({c})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) AND ({b})")),
                (inner.clone(), inner).prop_map(|(a, b)| format!("{a} OR {b}")),
            ]
        })
    }

    /// Well-formed update expressions over the sample item.
    fn update_text() -> impl Strategy<Value = String> {
        let set_value = prop_oneof![
            operand(),
            (operand(), operand()).prop_map(|(a, b)| format!("{a} + {b}")),
            (operand(), operand()).prop_map(|(a, b)| format!("{a} - {b}")),
            (path(), value()).prop_map(|(p, v)| format!("if_not_exists({p}, {v})")),
            (operand(), operand()).prop_map(|(a, b)| format!("list_append({a}, {b})")),
        ];
        let clause = prop_oneof![
            prop::collection::vec((path(), set_value), 1..3).prop_map(|actions| {
                let actions: Vec<String> = actions
                    .into_iter()
                    .map(|(p, v)| format!("{p} = {v}"))
                    .collect();
                format!("SET {}", actions.join(", "))
            }),
            prop::collection::vec(path(), 1..3)
                .prop_map(|paths| format!("REMOVE {}", paths.join(", "))),
            (path(), value()).prop_map(|(p, v)| format!("ADD {p} {v}")),
            (path(), value()).prop_map(|(p, v)| format!("DELETE {p} {v}")),
        ];
        prop::collection::vec(clause, 1..4).prop_map(|clauses| clauses.join(" "))
    }

    fn sample() -> crate::value::Item {
        item(&[
            ("a", n("5")),
            ("b", m(&[("c", s("x"))])),
            ("l", l(vec![n("1"), m(&[])])),
            ("name", s("n")),
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn checking_and_running_any_expression_never_panics(
            source in prop_oneof![token_soup(), condition_text(), update_text()]
        ) {
            let item = sample();
            let mut placeholders = request();
            if let Ok(condition) =
                ConditionExpression::parse(ExpressionKind::Condition, &source, &mut placeholders)
            {
                condition.evaluate(&item);
                condition.evaluate(&crate::value::Item::new());
            }
            if let Ok(update) = UpdateExpression::parse(&source, &mut placeholders) {
                let _ = update.apply(&item);
                let _ = update.apply(&crate::value::Item::new());
            }
            if let Ok(projection) = ProjectionExpression::parse(&source, &mut placeholders) {
                projection.apply(&item);
            }
            if let Ok(key) = KeyConditionExpression::parse(&source, &mut placeholders) {
                let _ = key.analyse("a", Some("name"));
                let _ = key.analyse("a", None);
            }
            let _ = placeholders.check_all_used();
        }

        #[test]
        fn arbitrary_text_never_panics_the_checks(source in "\\PC{0,60}") {
            let mut placeholders = request();
            let _ = ConditionExpression::parse(ExpressionKind::Filter, &source, &mut placeholders);
            let _ = UpdateExpression::parse(&source, &mut placeholders);
            let _ = ProjectionExpression::parse(&source, &mut placeholders);
            let _ = KeyConditionExpression::parse(&source, &mut placeholders);
        }
    }
}
