//! Recursive-descent parsers for the three expression grammars.
//!
//! Conditions (used by ConditionExpression, FilterExpression and KeyConditionExpression)
//! have the precedence DynamoDB documents: comparisons, `BETWEEN`, `IN` and functions bind
//! tightest, then `NOT`, then `AND`, then `OR`. Parentheses are ambiguous in this grammar:
//! `(a) = b` groups an operand, `(a = b) AND c = d` groups a condition, and `(a.b).c` groups
//! part of a path. Rather than backtracking, the parser reads a parenthesised group once
//! as a generic node and decides what it was from what follows; a node used in the wrong
//! role becomes a syntax error at the token where DynamoDB's parser gives up (the
//! comparator after a parenthesised condition, the end of an operand where a condition was
//! needed), so error messages quote the same token AWS quotes.
//!
//! Update expressions (`SET a = b + :c REMOVE d ADD e :f DELETE g :h`) and projection
//! expressions (`a, b.c[1]`) have small grammars of their own.
//!
//! Input is bounded before any recursion: the text is at most 4 KB and parentheses may
//! nest at most 32 deep, both checked on the token stream, so hostile input such as a
//! hundred thousand `(` returns an error instead of exhausting the stack. AND and OR chains
//! are read in loops, not recursion. After a successful parse the operator count (at most
//! 300) and `IN` list lengths (at most 100) are checked.

use crate::error::DynamoError;
use crate::expr::ExpressionKind;
use crate::expr::ast::{
    Comparator, Condition, FunctionCall, Operand, Path, PathElement, Projection, SetAction,
    SetValue, Update, UpdateClause, ValueAction,
};
use crate::expr::lexer::{Token, TokenKind, near, tokenize};
use crate::expr::messages::{self, invalid};

/// Expressions longer than this many bytes are rejected outright.
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// At most this many operators and functions per expression.
pub const MAX_OPERATORS: usize = 300;
/// At most this many operands in the list of an `IN`.
pub const MAX_IN_OPERANDS: usize = 100;
/// Parentheses may nest at most this deep.
pub const MAX_NESTING_DEPTH: usize = 32;

/// A parsed condition and whether it used redundant parentheses such as `((a = b))`.
/// DynamoDB rejects those, but only after it knows the expression has no syntax error,
/// so the parser records them instead of failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCondition {
    pub condition: Condition,
    pub redundant_parentheses: bool,
}

/// A parse failure: the index of the token the parser could not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Failure(usize);

type Parse<T> = Result<T, Failure>;

/// What a parenthesised or bare piece of a condition turned out to be.
#[derive(Debug, Clone)]
enum Node {
    Operand {
        operand: Operand,
        /// Index of the token after the operand, where a comparator would have to be.
        end: usize,
        parenthesized: bool,
    },
    Condition {
        condition: Condition,
        /// Index of the token that made this a condition (a comparator, `NOT`, ...),
        /// where reading it as an operand fails.
        marker: usize,
        parenthesized: bool,
    },
}

impl Node {
    fn parenthesized(&self) -> bool {
        match self {
            Node::Operand { parenthesized, .. } | Node::Condition { parenthesized, .. } => {
                *parenthesized
            }
        }
    }

    fn into_parenthesized(self, closing: usize) -> Node {
        match self {
            Node::Operand { operand, .. } => Node::Operand {
                operand,
                end: closing + 1,
                parenthesized: true,
            },
            Node::Condition {
                condition, marker, ..
            } => Node::Condition {
                condition,
                marker,
                parenthesized: true,
            },
        }
    }

    fn marker(&self) -> usize {
        match self {
            Node::Operand { end, .. } => *end,
            Node::Condition { marker, .. } => *marker,
        }
    }
}

const CONDITION_KEYWORDS: &[&str] = &["AND", "OR", "NOT", "BETWEEN", "IN"];
const UPDATE_KEYWORDS: &[&str] = &["SET", "REMOVE", "ADD", "DELETE"];

struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    position: usize,
    /// Words that cannot name attributes in this grammar.
    keywords: &'static [&'static str],
    redundant_parentheses: bool,
}

impl<'a> Parser<'a> {
    fn new(source: &'a str, tokens: Vec<Token>, keywords: &'static [&'static str]) -> Self {
        Parser {
            source,
            tokens,
            position: 0,
            keywords,
            redundant_parentheses: false,
        }
    }

    fn kind(&self) -> TokenKind {
        self.kind_at(self.position)
    }

    fn kind_at(&self, index: usize) -> TokenKind {
        self.tokens
            .get(index)
            .map_or(TokenKind::End, |token| token.kind)
    }

    fn text(&self) -> &'a str {
        self.tokens
            .get(self.position)
            .map_or("", |token| token.text(self.source))
    }

    fn advance(&mut self) {
        if self.position + 1 < self.tokens.len() {
            self.position += 1;
        }
    }

    fn fail<T>(&self) -> Parse<T> {
        Err(Failure(self.position))
    }

    fn expect(&mut self, kind: TokenKind) -> Parse<()> {
        if self.kind() == kind {
            self.advance();
            Ok(())
        } else {
            self.fail()
        }
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        self.kind() == TokenKind::Identifier && self.text().eq_ignore_ascii_case(keyword)
    }

    fn at_any_keyword(&self) -> bool {
        self.kind() == TokenKind::Identifier
            && self
                .keywords
                .iter()
                .any(|keyword| self.text().eq_ignore_ascii_case(keyword))
    }

    // ---- paths ----------------------------------------------------------------------

    /// One attribute-name step: an identifier that is not a keyword, or `#placeholder`.
    fn path_name(&mut self) -> Parse<PathElement> {
        let element = match self.kind() {
            TokenKind::Identifier if !self.at_any_keyword() => {
                PathElement::Name(self.text().to_string())
            }
            TokenKind::NamePlaceholder => PathElement::Placeholder(self.text().to_string()),
            _ => return self.fail(),
        };
        self.advance();
        Ok(element)
    }

    /// `.name` and `[index]` steps following a path's first element.
    fn path_tail(&mut self, elements: &mut Vec<PathElement>) -> Parse<()> {
        loop {
            match self.kind() {
                TokenKind::Dot => {
                    self.advance();
                    elements.push(self.path_name()?);
                }
                TokenKind::LeftBracket => {
                    self.advance();
                    if self.kind() != TokenKind::Number {
                        return self.fail();
                    }
                    // An index too large for memory cannot address anything real.
                    let index: usize = self.text().parse().map_err(|_| Failure(self.position))?;
                    self.advance();
                    self.expect(TokenKind::RightBracket)?;
                    elements.push(PathElement::Index(index));
                }
                _ => return Ok(()),
            }
        }
    }

    fn path(&mut self) -> Parse<Path> {
        let mut elements = vec![self.path_name()?];
        self.path_tail(&mut elements)?;
        Ok(Path { elements })
    }

    // ---- conditions -----------------------------------------------------------------

    fn as_condition(&self, node: Node) -> Parse<Condition> {
        match node {
            Node::Condition { condition, .. } => Ok(condition),
            Node::Operand {
                operand: Operand::Call(call),
                ..
            } => Ok(Condition::Call(call)),
            Node::Operand { end, .. } => Err(Failure(end)),
        }
    }

    fn as_operand(&self, node: Node) -> Parse<Operand> {
        match node {
            Node::Operand { operand, .. } => Ok(operand),
            Node::Condition { marker, .. } => Err(Failure(marker)),
        }
    }

    fn or(&mut self) -> Parse<Node> {
        self.chain("OR", Self::and, Condition::Or)
    }

    fn and(&mut self) -> Parse<Node> {
        self.chain("AND", Self::not, Condition::And)
    }

    /// `part (KEYWORD part)*`, read iteratively so long chains cannot deepen the stack.
    fn chain(
        &mut self,
        keyword: &str,
        part: fn(&mut Self) -> Parse<Node>,
        join: fn(Vec<Condition>) -> Condition,
    ) -> Parse<Node> {
        let first = part(self)?;
        if !self.at_keyword(keyword) {
            return Ok(first);
        }
        let marker = first.marker();
        let mut parts = vec![self.as_condition(first)?];
        while self.at_keyword(keyword) {
            self.advance();
            let next = part(self)?;
            parts.push(self.as_condition(next)?);
        }
        Ok(Node::Condition {
            condition: join(parts),
            marker,
            parenthesized: false,
        })
    }

    fn not(&mut self) -> Parse<Node> {
        if !self.at_keyword("NOT") {
            return self.primary();
        }
        let marker = self.position;
        self.advance();
        // DynamoDB applies NOT to a single comparison, function or parenthesised
        // condition; `NOT NOT a` is a syntax error there, and here.
        let inner = self.primary()?;
        let inner = self.as_condition(inner)?;
        Ok(Node::Condition {
            condition: Condition::Not(Box::new(inner)),
            marker,
            parenthesized: false,
        })
    }

    fn comparator(&self) -> Option<Comparator> {
        match self.kind() {
            TokenKind::Equal => Some(Comparator::Equal),
            TokenKind::NotEqual => Some(Comparator::NotEqual),
            TokenKind::Less => Some(Comparator::Less),
            TokenKind::LessOrEqual => Some(Comparator::LessOrEqual),
            TokenKind::Greater => Some(Comparator::Greater),
            TokenKind::GreaterOrEqual => Some(Comparator::GreaterOrEqual),
            _ => None,
        }
    }

    fn operand(&mut self) -> Parse<Operand> {
        let node = self.atom()?;
        self.as_operand(node)
    }

    /// An operand optionally followed by a comparator, `BETWEEN` or `IN`.
    fn primary(&mut self) -> Parse<Node> {
        let left = self.atom()?;
        let marker = self.position;
        let is_comparison =
            self.comparator().is_some() || self.at_keyword("BETWEEN") || self.at_keyword("IN");
        if !is_comparison {
            return Ok(left);
        }
        if matches!(left, Node::Condition { .. }) {
            // `(a = b) = c`: a condition cannot be compared.
            return self.fail();
        }
        let left = self.as_operand(left)?;
        let condition = if let Some(comparator) = self.comparator() {
            self.advance();
            let right = self.operand()?;
            Condition::Compare {
                comparator,
                left,
                right,
            }
        } else if self.at_keyword("BETWEEN") {
            self.advance();
            let lower = self.operand()?;
            if !self.at_keyword("AND") {
                return self.fail();
            }
            self.advance();
            let upper = self.operand()?;
            Condition::Between {
                operand: left,
                lower,
                upper,
            }
        } else {
            self.advance();
            self.expect(TokenKind::LeftParen)?;
            let mut list = vec![self.operand()?];
            while self.kind() == TokenKind::Comma {
                self.advance();
                list.push(self.operand()?);
            }
            self.expect(TokenKind::RightParen)?;
            Condition::In {
                operand: left,
                list,
            }
        };
        Ok(Node::Condition {
            condition,
            marker,
            parenthesized: false,
        })
    }

    /// A path, placeholder value, function call or parenthesised group.
    fn atom(&mut self) -> Parse<Node> {
        match self.kind() {
            TokenKind::LeftParen => {
                self.advance();
                let inner = self.or()?;
                if inner.parenthesized() {
                    self.redundant_parentheses = true;
                }
                let closing = self.position;
                self.expect(TokenKind::RightParen)?;
                let group = inner.into_parenthesized(closing);
                // `(a.b).c`: a parenthesised path may continue.
                if let Node::Operand {
                    operand: Operand::Path(path),
                    ..
                } = &group
                    && matches!(self.kind(), TokenKind::Dot | TokenKind::LeftBracket)
                {
                    let mut elements = path.elements.clone();
                    self.path_tail(&mut elements)?;
                    return Ok(Node::Operand {
                        operand: Operand::Path(Path { elements }),
                        end: self.position,
                        parenthesized: false,
                    });
                }
                Ok(group)
            }
            TokenKind::ValuePlaceholder => {
                let operand = Operand::Value(self.text().to_string());
                self.advance();
                Ok(Node::Operand {
                    operand,
                    end: self.position,
                    parenthesized: false,
                })
            }
            TokenKind::Identifier
                if !self.at_any_keyword()
                    && self.kind_at(self.position + 1) == TokenKind::LeftParen =>
            {
                let name = self.text().to_string();
                self.advance();
                self.advance();
                let mut arguments = vec![self.operand()?];
                while self.kind() == TokenKind::Comma {
                    self.advance();
                    arguments.push(self.operand()?);
                }
                self.expect(TokenKind::RightParen)?;
                Ok(Node::Operand {
                    operand: Operand::Call(FunctionCall { name, arguments }),
                    end: self.position,
                    parenthesized: false,
                })
            }
            _ => {
                let path = self.path()?;
                Ok(Node::Operand {
                    operand: Operand::Path(path),
                    end: self.position,
                    parenthesized: false,
                })
            }
        }
    }

    // ---- updates --------------------------------------------------------------------

    fn update_operand(&mut self) -> Parse<Operand> {
        match self.kind() {
            TokenKind::ValuePlaceholder => {
                let operand = Operand::Value(self.text().to_string());
                self.advance();
                Ok(operand)
            }
            TokenKind::Identifier
                if !self.at_any_keyword()
                    && self.kind_at(self.position + 1) == TokenKind::LeftParen =>
            {
                let name = self.text().to_string();
                self.advance();
                self.advance();
                let mut arguments = vec![self.update_operand_grouped()?];
                while self.kind() == TokenKind::Comma {
                    self.advance();
                    arguments.push(self.update_operand_grouped()?);
                }
                self.expect(TokenKind::RightParen)?;
                Ok(Operand::Call(FunctionCall { name, arguments }))
            }
            _ => Ok(Operand::Path(self.path()?)),
        }
    }

    /// An update operand, optionally in one pair of parentheses.
    fn update_operand_grouped(&mut self) -> Parse<Operand> {
        if self.kind() != TokenKind::LeftParen {
            return self.update_operand();
        }
        self.advance();
        let operand = self.update_operand()?;
        self.expect(TokenKind::RightParen)?;
        Ok(operand)
    }

    fn arithmetic(&mut self) -> Parse<SetValue> {
        let left = self.update_operand_grouped()?;
        match self.kind() {
            TokenKind::Plus => {
                self.advance();
                Ok(SetValue::Plus(left, self.update_operand_grouped()?))
            }
            TokenKind::Minus => {
                self.advance();
                Ok(SetValue::Minus(left, self.update_operand_grouped()?))
            }
            _ => Ok(SetValue::Operand(left)),
        }
    }

    /// The right-hand side of `SET path =`, which may itself be parenthesised:
    /// `((c[1]) + (b.a))`. A leading `(` is first read as wrapping the whole value and,
    /// if that does not fit (`(b) + c`), as wrapping the first operand.
    fn set_value(&mut self) -> Parse<SetValue> {
        if self.kind() != TokenKind::LeftParen {
            return self.arithmetic();
        }
        let start = self.position;
        self.advance();
        let wrapped = self.arithmetic().and_then(|value| {
            self.expect(TokenKind::RightParen)?;
            Ok(value)
        });
        match wrapped {
            Ok(value) if !matches!(self.kind(), TokenKind::Plus | TokenKind::Minus) => Ok(value),
            first_attempt => {
                // Where the first reading gave up: inside, or at a `+`/`-` after the `)`.
                let Failure(first_failure) = first_attempt.err().unwrap_or(Failure(self.position));
                self.position = start;
                // Report whichever reading got further, as DynamoDB's parser would.
                self.arithmetic()
                    .map_err(|Failure(index)| Failure(index.max(first_failure)))
            }
        }
    }

    fn update(&mut self) -> Parse<Update> {
        let mut clauses = Vec::new();
        loop {
            if self.kind() == TokenKind::End && !clauses.is_empty() {
                return Ok(Update { clauses });
            }
            let clause = if self.at_keyword("SET") {
                self.advance();
                UpdateClause::Set(self.comma_separated(Self::set_action)?)
            } else if self.at_keyword("REMOVE") {
                self.advance();
                UpdateClause::Remove(self.comma_separated(Self::path)?)
            } else if self.at_keyword("ADD") {
                self.advance();
                UpdateClause::Add(self.comma_separated(Self::value_action)?)
            } else if self.at_keyword("DELETE") {
                self.advance();
                UpdateClause::Delete(self.comma_separated(Self::value_action)?)
            } else {
                return self.fail();
            };
            clauses.push(clause);
        }
    }

    fn comma_separated<T>(&mut self, item: fn(&mut Self) -> Parse<T>) -> Parse<Vec<T>> {
        let mut items = vec![item(self)?];
        while self.kind() == TokenKind::Comma {
            self.advance();
            items.push(item(self)?);
        }
        Ok(items)
    }

    fn set_action(&mut self) -> Parse<SetAction> {
        let path = self.path()?;
        self.expect(TokenKind::Equal)?;
        let value = self.set_value()?;
        Ok(SetAction { path, value })
    }

    fn value_action(&mut self) -> Parse<ValueAction> {
        let path = self.path()?;
        if self.kind() != TokenKind::ValuePlaceholder {
            return self.fail();
        }
        let value = self.text().to_string();
        self.advance();
        Ok(ValueAction { path, value })
    }

    // ---- projections ----------------------------------------------------------------

    fn projection(&mut self) -> Parse<Projection> {
        let paths = self.comma_separated(Self::path)?;
        if self.kind() != TokenKind::End {
            return self.fail();
        }
        Ok(Projection { paths })
    }
}

/// Checks shared by every grammar before parsing: size, emptiness and nesting depth.
fn prepare(kind: ExpressionKind, source: &str) -> Result<Vec<Token>, DynamoError> {
    if source.len() > MAX_EXPRESSION_BYTES {
        return Err(invalid(kind, messages::expression_too_long(source.len())));
    }
    if source.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        return Err(invalid(kind, messages::empty_expression()));
    }
    let tokens = tokenize(source);
    let mut depth: usize = 0;
    for token in &tokens {
        match token.kind {
            TokenKind::LeftParen => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Err(invalid(kind, messages::nesting_too_deep(depth)));
                }
            }
            TokenKind::RightParen => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(tokens)
}

fn syntax_error(kind: ExpressionKind, source: &str, tokens: &[Token], index: usize) -> DynamoError {
    let token = tokens
        .get(index)
        .map_or("<EOF>", |token| token.text(source));
    invalid(
        kind,
        messages::syntax_error(token, &near(source, tokens, index)),
    )
}

/// Parses a condition (`kind` names the parameter for error messages).
pub fn parse_condition(kind: ExpressionKind, source: &str) -> Result<ParsedCondition, DynamoError> {
    let tokens = prepare(kind, source)?;
    let mut parser = Parser::new(source, tokens, CONDITION_KEYWORDS);
    let parsed = parser.or().and_then(|node| {
        if parser.kind() != TokenKind::End {
            return parser.fail();
        }
        parser.as_condition(node)
    });
    let condition =
        parsed.map_err(|Failure(index)| syntax_error(kind, source, &parser.tokens, index))?;
    check_condition_limits(kind, &condition)?;
    Ok(ParsedCondition {
        condition,
        redundant_parentheses: parser.redundant_parentheses,
    })
}

/// Parses an UpdateExpression.
pub fn parse_update(source: &str) -> Result<Update, DynamoError> {
    let kind = ExpressionKind::Update;
    let tokens = prepare(kind, source)?;
    let mut parser = Parser::new(source, tokens, UPDATE_KEYWORDS);
    let update = parser
        .update()
        .map_err(|Failure(index)| syntax_error(kind, source, &parser.tokens, index))?;
    let operators = update_operator_count(&update);
    if operators > MAX_OPERATORS {
        return Err(invalid(
            kind,
            messages::too_many_operators(MAX_OPERATORS + 1),
        ));
    }
    Ok(update)
}

/// Parses a ProjectionExpression.
pub fn parse_projection(source: &str) -> Result<Projection, DynamoError> {
    let kind = ExpressionKind::Projection;
    let tokens = prepare(kind, source)?;
    let mut parser = Parser::new(source, tokens, &[]);
    parser
        .projection()
        .map_err(|Failure(index)| syntax_error(kind, source, &parser.tokens, index))
}

fn check_condition_limits(kind: ExpressionKind, condition: &Condition) -> Result<(), DynamoError> {
    let mut operators = 0;
    let mut longest_in = 0;
    count_condition(condition, &mut operators, &mut longest_in);
    if operators > MAX_OPERATORS {
        // DynamoDB stops counting at the first operator over the limit.
        return Err(invalid(
            kind,
            messages::too_many_operators(MAX_OPERATORS + 1),
        ));
    }
    if longest_in > MAX_IN_OPERANDS {
        return Err(invalid(kind, messages::too_many_in_operands(longest_in)));
    }
    Ok(())
}

/// Counts comparators, logical operators, `BETWEEN`, `IN` and functions.
fn count_condition(condition: &Condition, operators: &mut usize, longest_in: &mut usize) {
    match condition {
        Condition::Compare { left, right, .. } => {
            *operators += 1 + count_operand(left) + count_operand(right);
        }
        Condition::Between {
            operand,
            lower,
            upper,
        } => {
            *operators += 1 + count_operand(operand) + count_operand(lower) + count_operand(upper);
        }
        Condition::In { operand, list } => {
            *longest_in = (*longest_in).max(list.len());
            *operators +=
                1 + count_operand(operand) + list.iter().map(count_operand).sum::<usize>();
        }
        Condition::Call(call) => *operators += count_call(call),
        Condition::Not(inner) => {
            *operators += 1;
            count_condition(inner, operators, longest_in);
        }
        Condition::And(parts) | Condition::Or(parts) => {
            *operators += parts.len().saturating_sub(1);
            for part in parts {
                count_condition(part, operators, longest_in);
            }
        }
    }
}

fn count_operand(operand: &Operand) -> usize {
    match operand {
        Operand::Call(call) => count_call(call),
        Operand::Path(_) | Operand::Value(_) => 0,
    }
}

fn count_call(call: &FunctionCall) -> usize {
    1 + call.arguments.iter().map(count_operand).sum::<usize>()
}

/// Counts `+`, `-` and functions on the right-hand sides of `SET`.
fn update_operator_count(update: &Update) -> usize {
    let mut operators = 0;
    for clause in &update.clauses {
        if let UpdateClause::Set(actions) = clause {
            for action in actions {
                operators += match &action.value {
                    SetValue::Operand(operand) => count_operand(operand),
                    SetValue::Plus(left, right) | SetValue::Minus(left, right) => {
                        1 + count_operand(left) + count_operand(right)
                    }
                };
            }
        }
    }
    operators
}

#[cfg(test)]
mod tests;
