use super::*;
use crate::expr::ast::{Condition as C, Operand as O};
use crate::expr::testing::message;
use proptest::prelude::*;

fn condition(source: &str) -> Condition {
    parse_condition(ExpressionKind::Condition, source)
        .unwrap()
        .condition
}

fn name(text: &str) -> PathElement {
    PathElement::Name(text.to_string())
}

fn path(names: &[&str]) -> Path {
    Path {
        elements: names.iter().map(|n| name(n)).collect(),
    }
}

fn p(text: &str) -> O {
    O::Path(path(&[text]))
}

fn v(text: &str) -> O {
    O::Value(text.to_string())
}

fn cmp(left: O, comparator: Comparator, right: O) -> C {
    C::Compare {
        comparator,
        left,
        right,
    }
}

fn call(name: &str, arguments: Vec<O>) -> FunctionCall {
    FunctionCall {
        name: name.to_string(),
        arguments,
    }
}

const CONDITIONS: &[&str] = &[
    "a = :v",
    "a <> :v",
    "a < :v",
    "a <= :v",
    "a > :v",
    "a >= :v",
    ":v = a",
    "a.b.c = :v",
    "a[0] = :v",
    "a[1][2].b = :v",
    "#n = :v",
    "#n.#m[3] = :v",
    "a.#b[0].c = :v",
    "a BETWEEN :lo AND :hi",
    "a between :lo and :hi",
    "size(a) BETWEEN :lo AND :hi",
    "a IN (:x)",
    "a IN (:x, :y, :z)",
    "a in (b, c.d, :e)",
    "attribute_exists(a)",
    "attribute_not_exists(#a.b)",
    "attribute_type(a, :t)",
    "begins_with(a, :p)",
    "contains(a, :m)",
    "size(a) > :n",
    ":n <= size(a.b[1])",
    "a = :v AND b = :w",
    "a = :v OR b = :w",
    "a = :v AND b = :w AND c = :x",
    "a = :v OR b = :w OR c = :x",
    "a = :v OR b = :w AND c = :x",
    "a = :v AND b = :w OR c = :x",
    "(a = :v OR b = :w) AND c = :x",
    "a = :v AND (b = :w OR c = :x)",
    "(a = :v AND b = :w) AND c = :x",
    "NOT a = :v",
    "NOT (a = :v AND b = :w)",
    "NOT attribute_exists(a)",
    "not contains(a, :x) and b <> :y",
    "NOT (NOT a = :v)",
    "(a) = :v",
    "(a) = (:v)",
    "(a)between(b.c[45].#d)and(:a)",
    "(a.b).c = :v",
    "(a.b)[2] = :v",
    "(a = :v)",
    "((a = :v) OR (b = :w))",
    "a = b",
    "a.b <> c[0]",
    "begins_with(a, b) OR contains(c, d)",
    "attribute_exists(a) AND NOT attribute_exists(b) OR size(c) = :z",
    "a IN (:x, :y) AND b BETWEEN :lo AND :hi",
    "contains(a, size(b))",
    "size(size(a)) > :n",
    "  a   =   :v  ",
    "a=:v AND b=:w",
    "\ta = :v\nOR\rb = :w",
    "whatever(a) = :v",
];

const UPDATES: &[&str] = &[
    "SET a = :v",
    "set a = :v",
    "SET a = :v, b = :w",
    "SET a = b + :one",
    "SET a = b - :one",
    "SET a = if_not_exists(a, :zero)",
    "SET a = list_append(a, :more)",
    "SET a = list_append(:more, if_not_exists(a, :empty))",
    "SET a.b[2].c = :v",
    "SET #n = :v",
    "SET a = (b)",
    "SET a = ((b))",
    "SET a = (b + :c)",
    "SET b.c = ((c[1]) + (b.a))",
    "SET a = (b) + :c",
    "REMOVE a",
    "REMOVE a, b.c, d[3]",
    "ADD a :n",
    "ADD a :n, b :s",
    "DELETE s :members",
    "SET a = :v REMOVE b ADD c :n DELETE d :s",
    "REMOVE b DELETE c :c ADD d :d, e :e SET f = :f",
    "SET a = :v SET b = :w",
    "add abort :b",
];

const PROJECTIONS: &[&str] = &[
    "a",
    "a, b",
    "a.b.c",
    "a[0], a[1]",
    "#n, #m.x[3]",
    "name, status, size",
    "a , b , c",
    "l[10][2].x",
];

#[test]
fn the_corpus_round_trips_through_display() {
    for source in CONDITIONS {
        let first = parse_condition(ExpressionKind::Filter, source)
            .unwrap()
            .condition;
        let printed = first.to_string();
        let second = parse_condition(ExpressionKind::Filter, &printed)
            .unwrap()
            .condition;
        assert_eq!(first, second, "{source} printed as {printed}");
    }
    for source in UPDATES {
        let first = parse_update(source).unwrap();
        let printed = first.to_string();
        assert_eq!(
            first,
            parse_update(&printed).unwrap(),
            "{source} printed as {printed}"
        );
    }
    for source in PROJECTIONS {
        let first = parse_projection(source).unwrap();
        let printed = first.to_string();
        assert_eq!(
            first,
            parse_projection(&printed).unwrap(),
            "{source} printed as {printed}"
        );
    }
    assert!(CONDITIONS.len() + UPDATES.len() + PROJECTIONS.len() >= 60);
}

#[test]
fn and_binds_tighter_than_or_and_not_tighter_than_and() {
    let parsed = condition("a = :v OR b = :w AND NOT c = :x");
    let expected = C::Or(vec![
        cmp(p("a"), Comparator::Equal, v(":v")),
        C::And(vec![
            cmp(p("b"), Comparator::Equal, v(":w")),
            C::Not(Box::new(cmp(p("c"), Comparator::Equal, v(":x")))),
        ]),
    ]);
    assert_eq!(parsed, expected);
    assert_eq!(parsed.to_string(), "a = :v OR b = :w AND NOT c = :x");
}

#[test]
fn chains_are_flat_and_parentheses_group() {
    let flat = condition("a = :v AND b = :v AND c = :v");
    assert!(matches!(&flat, C::And(parts) if parts.len() == 3));
    let grouped = condition("(a = :v OR b = :v) AND c = :v");
    assert!(matches!(&grouped, C::And(parts) if matches!(parts[0], C::Or(_))));
}

#[test]
fn keywords_ignore_case_and_functions_keep_theirs() {
    assert_eq!(
        condition("a BETWEEN :x AND :y"),
        condition("a bEtWeEn :x aNd :y")
    );
    assert_eq!(condition("NOT a IN (:x)"), condition("not a in (:x)"));
    let parsed = condition("Size(a) > :n");
    assert!(matches!(parsed, C::Compare { left: O::Call(call), .. } if call.name == "Size"));
}

#[test]
fn operands_and_paths_may_be_parenthesised() {
    assert_eq!(
        condition("(a) = (:v)"),
        cmp(p("a"), Comparator::Equal, v(":v"))
    );
    assert_eq!(
        condition("(a.b).c = :v"),
        cmp(O::Path(path(&["a", "b", "c"])), Comparator::Equal, v(":v"))
    );
    assert_eq!(
        condition("(a)between(b)and(:c)"),
        C::Between {
            operand: p("a"),
            lower: p("b"),
            upper: v(":c")
        }
    );
}

#[test]
fn paths_hold_names_placeholders_and_indexes() {
    let parsed = condition("a.#b[12] [3] . c = :v");
    let C::Compare {
        left: O::Path(parsed),
        ..
    } = parsed
    else {
        panic!("not a path")
    };
    assert_eq!(
        parsed.elements,
        vec![
            name("a"),
            PathElement::Placeholder("#b".into()),
            PathElement::Index(12),
            PathElement::Index(3),
            name("c"),
        ]
    );
}

#[test]
fn functions_are_conditions_or_operands_by_position() {
    assert_eq!(
        condition("contains(a, :x)"),
        C::Call(call("contains", vec![p("a"), v(":x")]))
    );
    assert_eq!(
        condition("size(a) = :n"),
        cmp(
            O::Call(call("size", vec![p("a")])),
            Comparator::Equal,
            v(":n")
        )
    );
}

#[test]
fn redundant_parentheses_are_recorded_not_rejected() {
    for source in [
        "((a = :v))",
        "a=a and a > ((views))",
        "(a)between(((b.c)).d)and(c)",
        "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a",
        "a=a OR ((a=a OR (a=a OR a=a)))",
    ] {
        let parsed = parse_condition(ExpressionKind::Filter, source).unwrap();
        assert!(parsed.redundant_parentheses, "{source}");
    }
    for source in [
        "((a=a) OR (a=a))",
        "(a = :v)",
        "NOT ((a = :v) AND b = :w)",
        "f((a)) = :v",
    ] {
        let parsed = parse_condition(ExpressionKind::Filter, source).unwrap();
        assert!(!parsed.redundant_parentheses, "{source}");
    }
}

#[test]
fn update_clauses_keep_their_order_and_repeats() {
    let update = parse_update("REMOVE a SET b = :b set c = :c").unwrap();
    let keywords: Vec<&str> = update.clauses.iter().map(UpdateClause::keyword).collect();
    assert_eq!(keywords, vec!["REMOVE", "SET", "SET"]);
}

#[test]
fn set_values_take_one_arithmetic_operator() {
    let update = parse_update("SET a = b - :c").unwrap();
    let UpdateClause::Set(actions) = &update.clauses[0] else {
        panic!("not SET")
    };
    assert_eq!(actions[0].value, SetValue::Minus(p("b"), v(":c")));
    let update = parse_update("SET a = (b) + :c").unwrap();
    let UpdateClause::Set(actions) = &update.clauses[0] else {
        panic!("not SET")
    };
    assert_eq!(actions[0].value, SetValue::Plus(p("b"), v(":c")));
}

fn syntax(kind: ExpressionKind, source: &str) -> String {
    let result = match kind {
        ExpressionKind::Update => parse_update(source).map(|_| ()),
        ExpressionKind::Projection => parse_projection(source).map(|_| ()),
        _ => parse_condition(kind, source).map(|_| ()),
    };
    message(result)
}

#[test]
fn syntax_errors_quote_the_token_and_its_neighbours() {
    use ExpressionKind::*;
    assert_eq!(
        syntax(Condition, "a-b"),
        "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\""
    );
    assert_eq!(
        syntax(Filter, "a-b"),
        "Invalid FilterExpression: Syntax error; token: \"-\", near: \"a-b\""
    );
    assert_eq!(
        syntax(KeyCondition, "a-b"),
        "Invalid KeyConditionExpression: Syntax error; token: \"-\", near: \"a-b\""
    );
    assert_eq!(
        syntax(Update, "INVALID SYNTAX HERE"),
        "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\""
    );
    assert_eq!(
        syntax(Update, "SET hits : incr"),
        "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\""
    );
    assert_eq!(
        syntax(Projection, "!!!"),
        "Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\""
    );
    assert_eq!(
        syntax(Projection, "a b"),
        "Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\""
    );
    assert_eq!(
        syntax(KeyCondition, "attribute_type()"),
        "Invalid KeyConditionExpression: Syntax error; token: \")\", near: \"()\""
    );
    assert_eq!(
        syntax(Condition, "a ="),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""
    );
    assert_eq!(
        syntax(Update, "SET a = (b + c) + d"),
        "Invalid UpdateExpression: Syntax error; token: \"+\", near: \") + d\""
    );
    assert_eq!(
        syntax(Update, "SET a = b +"),
        "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"+\""
    );
    assert_eq!(
        syntax(Filter, "a > 4"),
        "Invalid FilterExpression: Syntax error; token: \"4\", near: \"> 4\""
    );
    assert_eq!(
        syntax(Filter, "a = b AND c"),
        "Invalid FilterExpression: Syntax error; token: \"<EOF>\", near: \"c\""
    );
    assert_eq!(
        syntax(Filter, "(a = b) = c"),
        "Invalid FilterExpression: Syntax error; token: \"=\", near: \") = c\""
    );
    assert_eq!(
        syntax(Filter, "contains((a = b), c)"),
        "Invalid FilterExpression: Syntax error; token: \"=\", near: \"a = b\""
    );
}

#[test]
fn dynamodb_syntax_errors_in_conditions_are_syntax_errors_here() {
    // The expressions DynamoDB answers with "Syntax error;" (from tests run against AWS).
    for source in [
        "things are not gonna be ok",
        "a > 4",
        "attribute_exists(Pictures-RearView)",
        "attribute_exists(\"Pictures.RearView\")",
        "attribute_exists(Pictures..RearView)",
        "attribute_exists(Pi#ctures.RearView)",
        "attribute_exists(asdf[a])",
        "a.:a < b.:b",
        "a in b, c",
        "a > between",
        "a in b",
        "a in (b,c,)",
        "(a)between(b.(c.d))and(c)",
        "(a)between(b.c.d)and((c)",
        "#$.b > a",
        "a > :things.stuff",
        "b[:a] > a",
        "b[#_] > a",
        "ü > a",
        "(a)between(b.c[4.5].#d)and(:a)",
        "size(a).b > a",
        "(size(a)).b > a",
        "size(a)[0] > a",
        "(size(a))[0] > a",
        "NOT NOT a = b",
        "a = b c",
        "a[99999999999999999999999999] = b",
    ] {
        let error = syntax(ExpressionKind::Filter, source);
        assert!(
            error.starts_with("Invalid FilterExpression: Syntax error; token: "),
            "{source}: {error}"
        );
    }
}

#[test]
fn dynamodb_syntax_errors_in_updates_are_syntax_errors_here() {
    for source in [
        "whatever",
        "set a",
        "add a",
        "delete a",
        "set a=set",
        "remove a = b",
        "add a = b",
        "delete a = b",
        "delete a b",
        "delete a if_not_exist(b)",
        "add abort b",
        "add a if_not_exist(b)",
        "remove a b",
        "set a b",
        "set :a = b",
        "add :a b",
        "delete :a b",
        "remove :a",
        "set a = b / c",
        "set a = b * c",
        "set a[1] = \"eight\"",
        "set a[1] = 1",
        "SET a = if_not_exist(a, 100)",
        "SET if_not_exist(a, b) = a",
        "set (a = (b + c))",
        "set a = (b.c).d + e",
        "set a = (b.c)[0] + e",
        "set a = b + c + d",
        "set a = (((b)))",
        "SET a = :v,",
    ] {
        let error = syntax(ExpressionKind::Update, source);
        assert!(
            error.starts_with("Invalid UpdateExpression: Syntax error; token: "),
            "{source}: {error}"
        );
    }
}

#[test]
fn projection_syntax_errors() {
    for source in ["a,", ",a", "a..b", "a[", "a[x]", "(a)", ":v", "a = b"] {
        let error = syntax(ExpressionKind::Projection, source);
        assert!(
            error.starts_with("Invalid ProjectionExpression: Syntax error; token: "),
            "{source}: {error}"
        );
    }
}

#[test]
fn empty_expressions_are_rejected_by_name() {
    assert_eq!(
        syntax(ExpressionKind::Condition, ""),
        "Invalid ConditionExpression: The expression can not be empty;"
    );
    assert_eq!(
        syntax(ExpressionKind::Update, "  \n"),
        "Invalid UpdateExpression: The expression can not be empty;"
    );
    assert_eq!(
        syntax(ExpressionKind::Projection, ""),
        "Invalid ProjectionExpression: The expression can not be empty;"
    );
}

#[test]
fn expressions_over_4_kb_are_rejected_with_their_size() {
    let fits = format!("a = {}", ":v".repeat((MAX_EXPRESSION_BYTES - 4) / 2));
    assert_eq!(fits.len(), MAX_EXPRESSION_BYTES);
    // Too long to be a sensible placeholder, but the size check comes first either way.
    assert!(!syntax(ExpressionKind::Filter, &fits).contains("exceeded"));
    let long = format!("a = :v AND b = :{}", "x".repeat(4100));
    assert_eq!(
        syntax(ExpressionKind::Filter, &long),
        format!(
            "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: {}",
            long.len()
        )
    );
    let parentheses = "(".repeat(100_000);
    assert_eq!(
        syntax(ExpressionKind::Condition, &parentheses),
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 100000"
    );
}

#[test]
fn nesting_deeper_than_32_is_rejected_before_parsing() {
    let nest = |depth: usize| format!("{}a = :v{}", "(".repeat(depth), ")".repeat(depth));
    // 32 levels parse (and are redundant parentheses, which the checks reject later).
    assert!(parse_condition(ExpressionKind::Condition, &nest(32)).is_ok());
    assert_eq!(
        syntax(ExpressionKind::Condition, &nest(33)),
        format!(
            "Invalid ConditionExpression: {}",
            messages::nesting_too_deep(33)
        )
    );
    // Unbalanced input is caught the same way.
    assert!(
        syntax(
            ExpressionKind::Update,
            &format!("SET a = {}", "(".repeat(40))
        )
        .contains("nesting")
    );
    let nested_not = format!("{}a = :v{}", "NOT (".repeat(33), ")".repeat(33));
    assert!(syntax(ExpressionKind::Filter, &nested_not).contains("nesting"));
}

#[test]
fn more_than_300_operators_are_rejected() {
    let chain = |count: usize| vec!["a < b"; count].join(" AND ");
    // 150 comparisons and 149 ANDs.
    assert!(parse_condition(ExpressionKind::Filter, &chain(150)).is_ok());
    assert_eq!(
        syntax(ExpressionKind::Filter, &chain(151)),
        "Invalid FilterExpression: The expression contains too many operators; operator count: 301"
    );
    let sets = |count: usize| {
        let actions: Vec<String> = (0..count).map(|i| format!("a{i}=b+c")).collect();
        format!("SET {}", actions.join(","))
    };
    assert!(parse_update(&sets(300)).is_ok());
    assert_eq!(
        syntax(ExpressionKind::Update, &sets(301)),
        "Invalid UpdateExpression: The expression contains too many operators; operator count: 301"
    );
}

#[test]
fn in_takes_at_most_100_operands() {
    let list = |count: usize| {
        let values: Vec<String> = (0..count).map(|i| format!(":v{i}")).collect();
        format!("a IN ({})", values.join(","))
    };
    assert!(parse_condition(ExpressionKind::Filter, &list(100)).is_ok());
    assert_eq!(
        syntax(ExpressionKind::Filter, &list(101)),
        "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101"
    );
}

// ---- property tests ---------------------------------------------------------------------

fn identifier() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}".prop_filter("keywords are not identifiers", |word| {
        !CONDITION_KEYWORDS
            .iter()
            .chain(UPDATE_KEYWORDS)
            .any(|keyword| word.eq_ignore_ascii_case(keyword))
    })
}

fn arb_path() -> impl Strategy<Value = Path> {
    let first = prop_oneof![
        identifier().prop_map(PathElement::Name),
        "#[a-zA-Z0-9_]{1,4}".prop_map(PathElement::Placeholder),
    ];
    let rest = prop_oneof![
        identifier().prop_map(PathElement::Name),
        "#[a-zA-Z0-9_]{1,4}".prop_map(PathElement::Placeholder),
        (0usize..50).prop_map(PathElement::Index),
    ];
    (first, prop::collection::vec(rest, 0..4)).prop_map(|(first, rest)| {
        let mut elements = vec![first];
        elements.extend(rest);
        Path { elements }
    })
}

fn arb_value() -> impl Strategy<Value = String> {
    ":[a-zA-Z0-9_]{1,4}"
}

fn arb_operand() -> impl Strategy<Value = O> {
    let leaf = prop_oneof![arb_path().prop_map(O::Path), arb_value().prop_map(O::Value)];
    leaf.prop_recursive(3, 12, 3, |inner| {
        (identifier(), prop::collection::vec(inner, 1..4))
            .prop_map(|(name, arguments)| O::Call(FunctionCall { name, arguments }))
    })
}

fn arb_comparator() -> impl Strategy<Value = Comparator> {
    prop_oneof![
        Just(Comparator::Equal),
        Just(Comparator::NotEqual),
        Just(Comparator::Less),
        Just(Comparator::LessOrEqual),
        Just(Comparator::Greater),
        Just(Comparator::GreaterOrEqual),
    ]
}

fn arb_condition() -> impl Strategy<Value = C> {
    let leaf = prop_oneof![
        (arb_operand(), arb_comparator(), arb_operand()).prop_map(|(left, comparator, right)| {
            C::Compare {
                comparator,
                left,
                right,
            }
        }),
        (arb_operand(), arb_operand(), arb_operand()).prop_map(|(operand, lower, upper)| {
            C::Between {
                operand,
                lower,
                upper,
            }
        }),
        (arb_operand(), prop::collection::vec(arb_operand(), 1..4))
            .prop_map(|(operand, list)| C::In { operand, list }),
        (identifier(), prop::collection::vec(arb_operand(), 1..3))
            .prop_map(|(name, arguments)| C::Call(FunctionCall { name, arguments })),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| C::Not(Box::new(c))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(C::And),
            prop::collection::vec(inner, 2..4).prop_map(C::Or),
        ]
    })
}

fn arb_update_operand() -> impl Strategy<Value = O> {
    let leaf = prop_oneof![arb_path().prop_map(O::Path), arb_value().prop_map(O::Value)];
    leaf.prop_recursive(2, 6, 2, |inner| {
        (identifier(), prop::collection::vec(inner, 1..3))
            .prop_map(|(name, arguments)| O::Call(FunctionCall { name, arguments }))
    })
}

fn arb_update() -> impl Strategy<Value = Update> {
    let set_value = prop_oneof![
        arb_update_operand().prop_map(SetValue::Operand),
        (arb_update_operand(), arb_update_operand()).prop_map(|(a, b)| SetValue::Plus(a, b)),
        (arb_update_operand(), arb_update_operand()).prop_map(|(a, b)| SetValue::Minus(a, b)),
    ];
    let set = prop::collection::vec(
        (arb_path(), set_value).prop_map(|(path, value)| SetAction { path, value }),
        1..3,
    )
    .prop_map(UpdateClause::Set);
    let value_action =
        || (arb_path(), arb_value()).prop_map(|(path, value)| ValueAction { path, value });
    let clause = prop_oneof![
        set,
        prop::collection::vec(arb_path(), 1..3).prop_map(UpdateClause::Remove),
        prop::collection::vec(value_action(), 1..3).prop_map(UpdateClause::Add),
        prop::collection::vec(value_action(), 1..3).prop_map(UpdateClause::Delete),
    ];
    prop::collection::vec(clause, 1..5).prop_map(|clauses| Update { clauses })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_conditions_print_and_parse_back(tree in arb_condition()) {
        let printed = tree.to_string();
        let parsed = parse_condition(ExpressionKind::Condition, &printed);
        prop_assert!(parsed.is_ok(), "{} failed: {:?}", printed, parsed);
        prop_assert_eq!(parsed.unwrap().condition, tree);
    }

    #[test]
    fn random_updates_print_and_parse_back(tree in arb_update()) {
        let printed = tree.to_string();
        let parsed = parse_update(&printed);
        prop_assert!(parsed.is_ok(), "{} failed: {:?}", printed, parsed);
        prop_assert_eq!(parsed.unwrap(), tree);
    }

    #[test]
    fn random_projections_print_and_parse_back(paths in prop::collection::vec(arb_path(), 1..5)) {
        let tree = Projection { paths };
        let printed = tree.to_string();
        prop_assert_eq!(parse_projection(&printed).unwrap(), tree);
    }

    #[test]
    fn arbitrary_text_never_panics_a_parser(source in "\\PC{0,80}") {
        let _ = parse_condition(ExpressionKind::Filter, &source);
        let _ = parse_update(&source);
        let _ = parse_projection(&source);
    }

    #[test]
    fn expression_shaped_text_never_panics_a_parser(
        source in "[a-c#:()\\[\\]0-9,. =<>+\\-]{0,60}|(SET|REMOVE|ADD|DELETE|AND|OR|NOT|BETWEEN|IN|size|\\(|\\)| |a|:v|#n|,|=|<|\\[1\\]|\\.){0,30}"
    ) {
        let _ = parse_condition(ExpressionKind::KeyCondition, &source);
        let _ = parse_update(&source);
        let _ = parse_projection(&source);
    }
}
