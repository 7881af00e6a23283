//! The job language: user-defined MapReduce jobs that run safely inside the engine.
//!
//! A learner who wants a job the built-ins do not cover writes a short script. It is not
//! JavaScript and not a general-purpose language: a map block that runs once per input
//! record and `emit`s key/value pairs, a reducer that turns each key's values into output,
//! and optionally a combiner, the number of reducers and a partitioner. For example:
//!
//! ```text
//! # Count the words longer than three letters, ignoring case.
//! input lines                     # or: input items (DynamoDB items, as `item`)
//! map {
//!   for w in words(line) {        # line, offset, lineno, file — or item
//!     if length(w) > 3 { emit lower(w), 1 }
//!   }
//! }
//! combine sum                     # optional: sum, min, max or first
//! reduce sum                      # sum count min max avg collect distinct first identity,
//!                                 # or a block over `key` and `values`
//! reducers 2                      # optional
//! partition by length(key)        # optional: a number picks the reducer (mod R), anything
//!                                 # else is hashed
//! ```
//!
//! Statements are `emit k, v`, `let x = e`, `x = e`, `if c { } else { }` and
//! `for x in list { }`. Expressions have numbers (exact decimals), strings, lists, `null`,
//! `true`/`false`, `item.attr` and `x[i]`, the operators `+ - * / %`, comparisons, `and`,
//! `or`, `not`, and the functions in [`builtins::NAMES`] (`words` splits as Hadoop's
//! WordCount does; `number` reads text as a number).
//!
//! Safety is structural: there is no `while`, no recursion and no I/O, so every run
//! terminates, and every run has a work budget (see [`eval`]) so that none runs long.
//! Mistakes are found as early as possible: the parser rejects unknown names, wrong
//! argument counts and unsafe combiners with the line and column of the problem; a type
//! error at run time fails the task attempt with a message, as a Java exception would fail a
//! Hadoop task.

pub mod ast;
pub mod builtins;
pub mod eval;
mod lexer;
mod parser;

use std::fmt;

use serde::Serialize;

pub use ast::Program;
pub use eval::RuntimeError;
pub use parser::parse;

/// A script that does not parse: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl ParseError {
    pub fn new(line: u32, column: u32, message: String) -> ParseError {
        ParseError {
            line,
            column,
            message,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}
