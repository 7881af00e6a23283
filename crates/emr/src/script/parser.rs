//! The job language's parser: tokens to a [`Program`], with every mistake reported as a
//! [`ParseError`] that names the line, the column and what was expected.
//!
//! Besides the grammar, the parser checks what can be checked before any data arrives:
//! each clause appears once, `map` and `reduce` are present, variables are declared
//! (`let`) before use, functions exist and get the right number of arguments, and a
//! combiner is one that may safely run on partial results.

use super::ParseError;
use super::ast::*;
use super::builtins::{self, Arity};
use super::lexer::{Spanned, Token, tokenize};

/// How deeply blocks and expressions may nest; deeper input is an error, not a stack
/// overflow.
const MAX_DEPTH: usize = 64;

/// Parses a job script.
pub fn parse(src: &str) -> Result<Program, ParseError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        scopes: Vec::new(),
        depth: 0,
    };
    p.program()
}

struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    scopes: Vec<Vec<String>>,
    depth: usize,
}

const MAP_VARS: [&str; 5] = ["line", "offset", "lineno", "file", "item"];
const REDUCE_VARS: [&str; 2] = ["key", "values"];

impl Parser {
    fn peek(&self) -> &Token {
        self.tokens.get(self.pos).map_or(&Token::Eof, |s| &s.token)
    }

    fn here(&self) -> (u32, u32) {
        self.tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .map_or((1, 1), |s| (s.line, s.column))
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        let (line, column) = self.here();
        Err(ParseError::new(line, column, message.into()))
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == t {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Token, what: &str) -> Result<(), ParseError> {
        if self.eat(t) {
            Ok(())
        } else {
            self.error(format!("expected {t} {what}, found {}", self.peek()))
        }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Token::Ident(s) if s == w)
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self, what: &str) -> Result<String, ParseError> {
        match self.peek().clone() {
            Token::Ident(s) if !is_keyword(&s) => {
                self.pos += 1;
                Ok(s)
            }
            other => self.error(format!("expected a name {what}, found {other}")),
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn declared(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .rev()
            .any(|s| s.iter().any(|v| v == name))
    }

    fn declare(&mut self, name: &str) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(name.to_string());
        }
    }

    fn program(&mut self) -> Result<Program, ParseError> {
        let mut input = None;
        let mut map = None;
        let mut combine = None;
        let mut reduce = None;
        let mut reducers = None;
        let mut partition = None;
        loop {
            let (line, column) = self.here();
            let dup = |seen: bool, clause: &str| -> Result<(), ParseError> {
                if seen {
                    Err(ParseError::new(
                        line,
                        column,
                        format!("the script has more than one '{clause}' clause"),
                    ))
                } else {
                    Ok(())
                }
            };
            match self.bump() {
                Token::Eof => break,
                Token::Ident(w) => match w.as_str() {
                    "input" => {
                        dup(input.is_some(), "input")?;
                        input = Some(if self.eat_word("lines") {
                            InputKind::Lines
                        } else if self.eat_word("items") {
                            InputKind::Items
                        } else {
                            return self.error(format!(
                                "expected 'lines' or 'items' after 'input', found {}",
                                self.peek()
                            ));
                        });
                    }
                    "map" => {
                        dup(map.is_some(), "map")?;
                        self.scopes
                            .push(MAP_VARS.iter().map(|s| s.to_string()).collect());
                        let block = self.block("after 'map'")?;
                        self.scopes.pop();
                        map = Some(block);
                    }
                    "combine" => {
                        dup(combine.is_some(), "combine")?;
                        let (line, column) = self.here();
                        match self.reducer("combine")? {
                            Reducer::Named(n) if n.combinable() => {
                                combine = Some(Reducer::Named(n))
                            }
                            Reducer::Named(n) => {
                                return Err(ParseError::new(
                                    line,
                                    column,
                                    format!(
                                        "'{}' cannot be a combiner: it would give a different answer \
                                         on partial results (combine with sum, min, max or first)",
                                        n.name()
                                    ),
                                ));
                            }
                            Reducer::Block(_) => {
                                return Err(ParseError::new(
                                    line,
                                    column,
                                    "a combiner must be one of sum, min, max or first".to_string(),
                                ));
                            }
                        }
                    }
                    "reduce" => {
                        dup(reduce.is_some(), "reduce")?;
                        reduce = Some(self.reducer("reduce")?);
                    }
                    "reducers" => {
                        dup(reducers.is_some(), "reducers")?;
                        match self.bump() {
                            Token::Number(n) => match n.parse::<u32>() {
                                Ok(r) if (1..=10_000).contains(&r) => reducers = Some(r),
                                _ => {
                                    self.pos -= 1;
                                    return self.error(format!(
                                        "'reducers' takes a whole number from 1 to 10000, not {n}"
                                    ));
                                }
                            },
                            other => {
                                self.pos -= 1;
                                return self.error(format!(
                                    "expected a number after 'reducers', found {other}"
                                ));
                            }
                        }
                    }
                    "partition" => {
                        dup(partition.is_some(), "partition")?;
                        if !self.eat_word("by") {
                            return self.error(format!(
                                "expected 'by' after 'partition', found {}",
                                self.peek()
                            ));
                        }
                        self.scopes.push(vec!["key".to_string()]);
                        let e = self.expr()?;
                        self.scopes.pop();
                        partition = Some(e);
                    }
                    _ => {
                        self.pos -= 1;
                        return self.error(format!(
                            "expected a clause (map, combine, reduce, reducers, partition or input), \
                             found '{w}'"
                        ));
                    }
                },
                other => {
                    self.pos -= 1;
                    return self.error(format!(
                        "expected a clause (map, combine, reduce, reducers, partition or input), \
                         found {other}"
                    ));
                }
            }
        }
        let Some(map) = map else {
            return self.error("the script has no 'map' clause: add map { emit key, value }");
        };
        let Some(reduce) = reduce else {
            return self.error("the script has no 'reduce' clause: add e.g. reduce sum");
        };
        Ok(Program {
            input,
            map,
            combine,
            reduce,
            reducers,
            partition,
        })
    }

    fn reducer(&mut self, clause: &str) -> Result<Reducer, ParseError> {
        if *self.peek() == Token::LBrace {
            self.scopes
                .push(REDUCE_VARS.iter().map(|s| s.to_string()).collect());
            let block = self.block(&format!("after '{clause}'"))?;
            self.scopes.pop();
            return Ok(Reducer::Block(block));
        }
        if let Token::Ident(w) = self.peek().clone()
            && let Some(n) = NamedReducer::ALL.iter().find(|n| n.name() == w)
        {
            self.pos += 1;
            return Ok(Reducer::Named(*n));
        }
        let names: Vec<&str> = NamedReducer::ALL.iter().map(|n| n.name()).collect();
        self.error(format!(
            "expected a reducer after '{clause}' ({}, or a {{ block }}), found {}",
            names.join(", "),
            self.peek()
        ))
    }

    fn block(&mut self, what: &str) -> Result<Vec<Stmt>, ParseError> {
        self.enter()?;
        self.expect(&Token::LBrace, what)?;
        self.scopes.push(Vec::new());
        let mut stmts = Vec::new();
        while !self.eat(&Token::RBrace) {
            if *self.peek() == Token::Eof {
                return self.error("expected '}' to close the block, found the end of the script");
            }
            stmts.push(self.stmt()?);
        }
        self.scopes.pop();
        self.leave();
        Ok(stmts)
    }

    fn stmt(&mut self) -> Result<Stmt, ParseError> {
        if self.eat_word("emit") {
            let key = self.expr()?;
            self.expect(&Token::Comma, "between the key and the value of 'emit'")?;
            let value = self.expr()?;
            return Ok(Stmt::Emit { key, value });
        }
        if self.eat_word("let") {
            let name = self.ident("after 'let'")?;
            self.expect(&Token::Assign, &format!("after 'let {name}'"))?;
            let value = self.expr()?;
            self.declare(&name);
            return Ok(Stmt::Let { name, value });
        }
        if self.eat_word("if") {
            return self.if_rest();
        }
        if self.eat_word("for") {
            let var = self.ident("after 'for'")?;
            if !self.eat_word("in") {
                return self.error(format!(
                    "expected 'in' after 'for {var}', found {}",
                    self.peek()
                ));
            }
            let iter = self.expr()?;
            self.scopes.push(vec![var.clone()]);
            let body = self.block("to start the loop body")?;
            self.scopes.pop();
            return Ok(Stmt::For { var, iter, body });
        }
        if let Token::Ident(name) = self.peek().clone()
            && !is_keyword(&name)
            && self.tokens.get(self.pos + 1).map(|t| &t.token) == Some(&Token::Assign)
        {
            if !self.declared(&name) {
                return self.error(format!(
                    "'{name}' is not declared: write 'let {name} = ...' first"
                ));
            }
            if MAP_VARS.contains(&name.as_str()) || REDUCE_VARS.contains(&name.as_str()) {
                return self.error(format!(
                    "'{name}' is the job's input and cannot be assigned"
                ));
            }
            self.pos += 2;
            let value = self.expr()?;
            return Ok(Stmt::Assign { name, value });
        }
        self.error(format!(
            "expected a statement (emit, let, if, for or an assignment), found {}",
            self.peek()
        ))
    }

    fn if_rest(&mut self) -> Result<Stmt, ParseError> {
        let cond = self.expr()?;
        let then = self.block("after the 'if' condition")?;
        let otherwise = if self.eat_word("else") {
            if self.eat_word("if") {
                self.enter()?;
                let nested = self.if_rest()?;
                self.leave();
                vec![nested]
            } else {
                self.block("after 'else'")?
            }
        } else {
            Vec::new()
        };
        Ok(Stmt::If {
            cond,
            then,
            otherwise,
        })
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let e = self.or();
        self.leave();
        e
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            let right = self.and()?;
            left = binary(BinaryOp::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.eat_word("and") {
            let right = self.not()?;
            left = binary(BinaryOp::And, left, right);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.eat_word("not") {
            self.enter()?;
            let operand = self.not()?;
            self.leave();
            return Ok(Expr::Unary {
                op: UnaryOp::Not,
                operand: Box::new(operand),
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.additive()?;
        let op = match self.peek() {
            Token::Eq => BinaryOp::Eq,
            Token::Ne => BinaryOp::Ne,
            Token::Lt => BinaryOp::Lt,
            Token::Le => BinaryOp::Le,
            Token::Gt => BinaryOp::Gt,
            Token::Ge => BinaryOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.additive()?;
        Ok(binary(op, left, right))
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Token::Plus => BinaryOp::Add,
                Token::Minus => BinaryOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            left = binary(op, left, right);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Token::Star => BinaryOp::Mul,
                Token::Slash => BinaryOp::Div,
                Token::Percent => BinaryOp::Rem,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = binary(op, left, right);
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat(&Token::Minus) {
            self.enter()?;
            let operand = self.unary()?;
            self.leave();
            return Ok(Expr::Unary {
                op: UnaryOp::Neg,
                operand: Box::new(operand),
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        loop {
            if self.eat(&Token::Dot) {
                let name = match self.bump() {
                    Token::Ident(n) => n,
                    other => {
                        self.pos -= 1;
                        return self.error(format!(
                            "expected an attribute name after '.', found {other}"
                        ));
                    }
                };
                e = Expr::Member {
                    target: Box::new(e),
                    name,
                };
            } else if self.eat(&Token::LBracket) {
                let index = self.expr()?;
                self.expect(&Token::RBracket, "to close the index")?;
                e = Expr::Index {
                    target: Box::new(e),
                    index: Box::new(index),
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let (line, column) = self.here();
        match self.bump() {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::LParen => {
                let e = self.expr()?;
                self.expect(&Token::RParen, "to close the parenthesis")?;
                Ok(e)
            }
            Token::LBracket => {
                let mut items = Vec::new();
                if !self.eat(&Token::RBracket) {
                    loop {
                        items.push(self.expr()?);
                        if self.eat(&Token::RBracket) {
                            break;
                        }
                        self.expect(&Token::Comma, "between list elements")?;
                    }
                }
                Ok(Expr::List(items))
            }
            Token::Ident(w) => match w.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                "null" => Ok(Expr::Null),
                _ if *self.peek() == Token::LParen => {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if !self.eat(&Token::RParen) {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(&Token::RParen) {
                                break;
                            }
                            self.expect(&Token::Comma, "between arguments")?;
                        }
                    }
                    match builtins::arity(&w) {
                        None => Err(ParseError::new(
                            line,
                            column,
                            format!(
                                "unknown function '{w}': the functions are {}",
                                builtins::NAMES.join(", ")
                            ),
                        )),
                        Some(Arity(lo, hi)) if args.len() < lo || args.len() > hi => {
                            let takes = if lo == hi {
                                format!("{lo}")
                            } else {
                                format!("{lo} to {hi}")
                            };
                            Err(ParseError::new(
                                line,
                                column,
                                format!("{w}() takes {takes} arguments, not {}", args.len()),
                            ))
                        }
                        Some(_) => Ok(Expr::Call { name: w, args }),
                    }
                }
                _ if is_keyword(&w) => Err(ParseError::new(
                    line,
                    column,
                    format!("expected a value, found the keyword '{w}'"),
                )),
                _ if self.declared(&w) => Ok(Expr::Var(w)),
                _ => Err(ParseError::new(
                    line,
                    column,
                    format!("unknown variable '{w}'{}", self.hint()),
                )),
            },
            other => Err(ParseError::new(
                line,
                column,
                format!("expected a value, found {other}"),
            )),
        }
    }

    fn hint(&self) -> String {
        let mut names: Vec<&str> = self
            .scopes
            .iter()
            .flat_map(|s| s.iter().map(String::as_str))
            .collect();
        names.dedup();
        if names.is_empty() {
            String::new()
        } else {
            format!(" (in scope: {})", names.join(", "))
        }
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
    }
}

const KEYWORDS: [&str; 16] = [
    "map",
    "combine",
    "reduce",
    "reducers",
    "partition",
    "input",
    "emit",
    "let",
    "if",
    "else",
    "for",
    "in",
    "and",
    "or",
    "not",
    "by",
];

fn is_keyword(w: &str) -> bool {
    KEYWORDS.contains(&w) || matches!(w, "true" | "false" | "null")
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: &str = r##"
        # long words, case-folded
        input lines
        map {
          for w in words(line) {
            if length(w) > 3 and not starts_with(w, "#") {
              emit lower(w), 1
            } else if w == "x" {
              let n = 2
              n = n + 1
              emit w, n
            }
          }
        }
        combine sum
        reduce sum
        reducers 3
        partition by length(key) % 3
    "##;

    #[test]
    fn parses_a_full_script() {
        let p = parse(WORDS).unwrap();
        assert_eq!(p.input, Some(InputKind::Lines));
        assert_eq!(p.combine, Some(Reducer::Named(NamedReducer::Sum)));
        assert_eq!(p.reducers, Some(3));
        assert!(p.partition.is_some());
        assert!(matches!(&p.map[0], Stmt::For { var, .. } if var == "w"));
    }

    #[test]
    fn display_round_trips() {
        let p = parse(WORDS).unwrap();
        let printed = p.to_string();
        assert_eq!(parse(&printed).unwrap(), p, "{printed}");
        let q = parse(
            "map { emit item.team, [1, -item.score * 2, \"a\\\"b\\n\"][0] }\nreduce { let t = 0 for v in values { t = t + v } emit key, t }",
        )
        .unwrap();
        assert_eq!(parse(&q.to_string()).unwrap(), q);
    }

    #[test]
    fn precedence_is_conventional() {
        let p = parse("map { emit 1 + 2 * 3 == 7 or false, 1 } reduce sum").unwrap();
        let Stmt::Emit { key, .. } = &p.map[0] else {
            panic!()
        };
        assert_eq!(key.to_string(), "(((1 + (2 * 3)) == 7) or false)");
    }

    #[test]
    fn errors_are_specific() {
        let cases = [
            (
                "reduce sum",
                "line 1, column 11: the script has no 'map' clause",
            ),
            (
                "map { emit x, 1 } reduce sum",
                "line 1, column 12: unknown variable 'x'",
            ),
            (
                "map { emit line 1 } reduce sum",
                "line 1, column 17: expected ',' between the key",
            ),
            ("map { emit line, 1 }", "no 'reduce' clause"),
            (
                "map { emit line, 1 } reduce total",
                "expected a reducer after 'reduce'",
            ),
            (
                "map { emit line, 1 } reduce sum combine count",
                "'count' cannot be a combiner",
            ),
            (
                "map { emit line, 1 } map { } reduce sum",
                "more than one 'map' clause",
            ),
            (
                "map { emit frob(line), 1 } reduce sum",
                "unknown function 'frob'",
            ),
            (
                "map { emit lower(line, 2), 1 } reduce sum",
                "lower() takes 1 arguments, not 2",
            ),
            ("map { n = 1 } reduce sum", "'n' is not declared"),
            ("map { line = 1 } reduce sum", "cannot be assigned"),
            (
                "map { emit line, 1 } reduce sum reducers 0",
                "from 1 to 10000",
            ),
            ("map { emit line, 1 ", "expected '}' to close the block"),
            ("job x", "expected a clause"),
        ];
        for (src, want) in cases {
            let err = parse(src).unwrap_err().to_string();
            assert!(err.contains(want), "{src:?}: {err}");
        }
    }

    #[test]
    fn variables_are_scoped_to_their_block() {
        assert!(parse("map { if true { let a = 1 } emit a, 1 } reduce sum").is_err());
        assert!(parse("map { for w in [1] { } emit w, 1 } reduce sum").is_err());
        assert!(
            parse("map { emit key, 1 } reduce sum").is_err(),
            "key is a reduce variable"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!(
            "map {{ emit {}1{}, 1 }} reduce sum",
            "(".repeat(500),
            ")".repeat(500)
        );
        let err = parse(&src).unwrap_err().to_string();
        assert!(err.contains("nested more than"), "{err}");
        let src = format!("map {{ emit {}1, 1 }} reduce sum", "-".repeat(500));
        assert!(parse(&src).is_err());
    }
}
