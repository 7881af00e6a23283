//! The job language's syntax tree. Every node prints back as source that parses to the
//! same tree (binary operations fully parenthesised), which the parser's tests check.

use std::fmt;

/// A whole job script.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// What the map reads, if the script says (`input lines` or `input items`).
    pub input: Option<InputKind>,
    pub map: Vec<Stmt>,
    pub combine: Option<Reducer>,
    pub reduce: Reducer,
    pub reducers: Option<u32>,
    pub partition: Option<Expr>,
}

/// The two kinds of record a map can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Lines,
    Items,
}

/// How values of one key are reduced.
#[derive(Debug, Clone, PartialEq)]
pub enum Reducer {
    Named(NamedReducer),
    Block(Vec<Stmt>),
}

/// The built-in reducers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedReducer {
    Sum,
    Count,
    Min,
    Max,
    Avg,
    Collect,
    Distinct,
    First,
    Identity,
}

impl NamedReducer {
    pub const ALL: [NamedReducer; 9] = [
        NamedReducer::Sum,
        NamedReducer::Count,
        NamedReducer::Min,
        NamedReducer::Max,
        NamedReducer::Avg,
        NamedReducer::Collect,
        NamedReducer::Distinct,
        NamedReducer::First,
        NamedReducer::Identity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NamedReducer::Sum => "sum",
            NamedReducer::Count => "count",
            NamedReducer::Min => "min",
            NamedReducer::Max => "max",
            NamedReducer::Avg => "avg",
            NamedReducer::Collect => "collect",
            NamedReducer::Distinct => "distinct",
            NamedReducer::First => "first",
            NamedReducer::Identity => "identity",
        }
    }

    /// Whether applying the reducer to partial results gives the same answer, so it may
    /// also run as a combiner on the map side.
    pub fn combinable(self) -> bool {
        matches!(
            self,
            NamedReducer::Sum | NamedReducer::Min | NamedReducer::Max | NamedReducer::First
        )
    }
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Emit {
        key: Expr,
        value: Expr,
    },
    Let {
        name: String,
        value: Expr,
    },
    Assign {
        name: String,
        value: Expr,
    },
    If {
        cond: Expr,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    For {
        var: String,
        iter: Expr,
        body: Vec<Stmt>,
    },
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    /// A number literal as written.
    Number(String),
    Str(String),
    List(Vec<Expr>),
    Var(String),
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// `x.name`
    Member {
        target: Box<Expr>,
        name: String,
    },
    /// `x[i]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

/// Writes a string literal with exactly the escapes the lexer reads back.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

fn write_block(f: &mut fmt::Formatter<'_>, stmts: &[Stmt], indent: usize) -> fmt::Result {
    f.write_str("{\n")?;
    for s in stmts {
        write_stmt(f, s, indent + 1)?;
    }
    write!(f, "{}}}", "  ".repeat(indent))
}

fn write_stmt(f: &mut fmt::Formatter<'_>, s: &Stmt, indent: usize) -> fmt::Result {
    let pad = "  ".repeat(indent);
    match s {
        Stmt::Emit { key, value } => writeln!(f, "{pad}emit {key}, {value}"),
        Stmt::Let { name, value } => writeln!(f, "{pad}let {name} = {value}"),
        Stmt::Assign { name, value } => writeln!(f, "{pad}{name} = {value}"),
        Stmt::If {
            cond,
            then,
            otherwise,
        } => {
            write!(f, "{pad}if {cond} ")?;
            write_block(f, then, indent)?;
            if !otherwise.is_empty() {
                f.write_str(" else ")?;
                write_block(f, otherwise, indent)?;
            }
            f.write_str("\n")
        }
        Stmt::For { var, iter, body } => {
            write!(f, "{pad}for {var} in {iter} ")?;
            write_block(f, body, indent)?;
            f.write_str("\n")
        }
    }
}

impl fmt::Display for Reducer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reducer::Named(n) => f.write_str(n.name()),
            Reducer::Block(stmts) => write_block(f, stmts, 0),
        }
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input {
            Some(InputKind::Lines) => f.write_str("input lines\n")?,
            Some(InputKind::Items) => f.write_str("input items\n")?,
            None => {}
        }
        f.write_str("map ")?;
        write_block(f, &self.map, 0)?;
        f.write_str("\n")?;
        if let Some(c) = &self.combine {
            writeln!(f, "combine {c}")?;
        }
        writeln!(f, "reduce {}", self.reduce)?;
        if let Some(r) = self.reducers {
            writeln!(f, "reducers {r}")?;
        }
        if let Some(p) = &self.partition {
            writeln!(f, "partition by {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Null => f.write_str("null"),
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Number(n) => f.write_str(n),
            Expr::Str(s) => write_quoted(f, s),
            Expr::List(items) => {
                f.write_str("[")?;
                for (i, e) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str("]")
            }
            Expr::Var(v) => f.write_str(v),
            Expr::Call { name, args } => {
                write!(f, "{name}(")?;
                for (i, e) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str(")")
            }
            Expr::Member { target, name } => write!(f, "{target}.{name}"),
            Expr::Index { target, index } => write!(f, "{target}[{index}]"),
            Expr::Unary {
                op: UnaryOp::Neg,
                operand,
            } => write!(f, "(-{operand})"),
            Expr::Unary {
                op: UnaryOp::Not,
                operand,
            } => write!(f, "(not {operand})"),
            Expr::Binary { op, left, right } => write!(f, "({left} {} {right})", op.symbol()),
        }
    }
}
