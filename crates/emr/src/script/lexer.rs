//! The job language's lexer: text to tokens with their line and column.

use std::fmt;

use super::ParseError;

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Ident(String),
    /// A number literal, kept as written (parsed exactly later).
    Number(String),
    Str(String),
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Assign,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Eof,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(s) => write!(f, "'{s}'"),
            Token::Number(n) => write!(f, "number {n}"),
            Token::Str(s) => write!(f, "string {s:?}"),
            Token::Eof => f.write_str("the end of the script"),
            other => {
                let s = match other {
                    Token::LBrace => "{",
                    Token::RBrace => "}",
                    Token::LParen => "(",
                    Token::RParen => ")",
                    Token::LBracket => "[",
                    Token::RBracket => "]",
                    Token::Comma => ",",
                    Token::Dot => ".",
                    Token::Assign => "=",
                    Token::Eq => "==",
                    Token::Ne => "!=",
                    Token::Lt => "<",
                    Token::Le => "<=",
                    Token::Gt => ">",
                    Token::Ge => ">=",
                    Token::Plus => "+",
                    Token::Minus => "-",
                    Token::Star => "*",
                    Token::Slash => "/",
                    Token::Percent => "%",
                    _ => "?",
                };
                write!(f, "'{s}'")
            }
        }
    }
}

/// A token and where it starts (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub line: u32,
    pub column: u32,
}

/// The longest script accepted: job scripts are a screenful, not a program library.
pub const MAX_SCRIPT_BYTES: usize = 64 * 1024;

/// Splits a script into tokens; `#` starts a comment that runs to the end of the line.
pub fn tokenize(src: &str) -> Result<Vec<Spanned>, ParseError> {
    if src.len() > MAX_SCRIPT_BYTES {
        return Err(ParseError::new(
            1,
            1,
            format!("the script is longer than {MAX_SCRIPT_BYTES} bytes"),
        ));
    }
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    while let Some(&c) = chars.get(i) {
        let (start_line, start_col) = (line, col);
        let advance = |i: &mut usize, col: &mut u32, n: usize| {
            *i += n;
            *col += n as u32;
        };
        if c == '\n' {
            i += 1;
            line += 1;
            col = 1;
            continue;
        }
        if c.is_whitespace() {
            advance(&mut i, &mut col, 1);
            continue;
        }
        if c == '#' {
            while chars.get(i).is_some_and(|c| *c != '\n') {
                advance(&mut i, &mut col, 1);
            }
            continue;
        }
        let next = chars.get(i + 1).copied();
        let token = if c.is_ascii_alphabetic() || c == '_' {
            let mut s = String::new();
            while let Some(&c) = chars
                .get(i)
                .filter(|c| c.is_ascii_alphanumeric() || **c == '_')
            {
                s.push(c);
                advance(&mut i, &mut col, 1);
            }
            Token::Ident(s)
        } else if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(&c) = chars.get(i).filter(|c| c.is_ascii_digit() || **c == '.') {
                // `1..` never occurs; a dot followed by a non-digit ends the number so that
                // `x.1` style member access is not mistaken for a decimal.
                if c == '.' && !chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                    break;
                }
                s.push(c);
                advance(&mut i, &mut col, 1);
            }
            if s.matches('.').count() > 1 {
                return Err(ParseError::new(
                    start_line,
                    start_col,
                    format!("malformed number {s}"),
                ));
            }
            Token::Number(s)
        } else if c == '"' || c == '\'' {
            let quote = c;
            advance(&mut i, &mut col, 1);
            let mut s = String::new();
            loop {
                match chars.get(i).copied() {
                    None | Some('\n') => {
                        return Err(ParseError::new(
                            start_line,
                            start_col,
                            "unterminated string: add the closing quote".to_string(),
                        ));
                    }
                    Some(q) if q == quote => {
                        advance(&mut i, &mut col, 1);
                        break;
                    }
                    Some('\\') => {
                        let escaped = match chars.get(i + 1).copied() {
                            Some('n') => '\n',
                            Some('t') => '\t',
                            Some('\\') => '\\',
                            Some('"') => '"',
                            Some('\'') => '\'',
                            other => {
                                return Err(ParseError::new(
                                    line,
                                    col,
                                    format!(
                                        "unknown escape \\{}: use \\n, \\t, \\\\, \\\" or \\'",
                                        other.map(String::from).unwrap_or_default()
                                    ),
                                ));
                            }
                        };
                        s.push(escaped);
                        advance(&mut i, &mut col, 2);
                    }
                    Some(c) => {
                        s.push(c);
                        advance(&mut i, &mut col, 1);
                    }
                }
            }
            Token::Str(s)
        } else {
            let (token, len) = match (c, next) {
                ('=', Some('=')) => (Token::Eq, 2),
                ('!', Some('=')) => (Token::Ne, 2),
                ('<', Some('=')) => (Token::Le, 2),
                ('>', Some('=')) => (Token::Ge, 2),
                ('=', _) => (Token::Assign, 1),
                ('<', _) => (Token::Lt, 1),
                ('>', _) => (Token::Gt, 1),
                ('{', _) => (Token::LBrace, 1),
                ('}', _) => (Token::RBrace, 1),
                ('(', _) => (Token::LParen, 1),
                (')', _) => (Token::RParen, 1),
                ('[', _) => (Token::LBracket, 1),
                (']', _) => (Token::RBracket, 1),
                (',', _) => (Token::Comma, 1),
                ('.', _) => (Token::Dot, 1),
                ('+', _) => (Token::Plus, 1),
                ('-', _) => (Token::Minus, 1),
                ('*', _) => (Token::Star, 1),
                ('/', _) => (Token::Slash, 1),
                ('%', _) => (Token::Percent, 1),
                _ => {
                    return Err(ParseError::new(
                        line,
                        col,
                        format!("unexpected character {c:?}"),
                    ));
                }
            };
            advance(&mut i, &mut col, len);
            token
        };
        out.push(Spanned {
            token,
            line: start_line,
            column: start_col,
        });
    }
    out.push(Spanned {
        token: Token::Eof,
        line,
        column: col,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Token> {
        tokenize(src)
            .unwrap()
            .into_iter()
            .map(|s| s.token)
            .collect()
    }

    #[test]
    fn tokens_with_positions_and_comments() {
        let toks = tokenize("map { # words\n  emit w, 1 }").unwrap();
        let emit = toks
            .iter()
            .find(|t| t.token == Token::Ident("emit".into()))
            .unwrap();
        assert_eq!((emit.line, emit.column), (2, 3));
        assert_eq!(
            kinds("a<=b != 'x\\n' 1.5 x.y"),
            vec![
                Token::Ident("a".into()),
                Token::Le,
                Token::Ident("b".into()),
                Token::Ne,
                Token::Str("x\n".into()),
                Token::Number("1.5".into()),
                Token::Ident("x".into()),
                Token::Dot,
                Token::Ident("y".into()),
                Token::Eof
            ]
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = tokenize("emit \"abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, column 6: unterminated string: add the closing quote"
        );
        let e = tokenize("x\n  @").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(tokenize("1.2.3").is_err());
    }
}
