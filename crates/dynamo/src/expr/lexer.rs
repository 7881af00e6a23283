//! Splitting an expression string into tokens.
//!
//! All five expression languages (condition, filter, key condition, update, projection)
//! share one vocabulary: identifiers (`Price`, `attribute_exists`, `AND`), placeholders
//! (`#name`, `:value`), list indexes (`3`), and a handful of punctuation and comparison
//! marks. The lexer never fails: a character DynamoDB has no use for (`!`, `"`, `ü`)
//! becomes an [`TokenKind::Unknown`] token, and the parser reports it the way DynamoDB
//! does, as `Syntax error; token: "!", near: "!!"`. Keywords are ordinary identifiers
//! here; which words are keywords depends on the expression being parsed.
//!
//! Every token remembers its byte range in the source. Syntax errors quote the source
//! around the offending token, so positions are part of the behaviour, not a debugging aid.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `[A-Za-z_][A-Za-z0-9_]*`: attribute names, function names and keywords.
    Identifier,
    /// `#` followed by `[A-Za-z0-9_]+`: an expression attribute name.
    NamePlaceholder,
    /// `:` followed by `[A-Za-z0-9_]+`: an expression attribute value.
    ValuePlaceholder,
    /// `[0-9]+`: only meaningful as a list index.
    Number,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Dot,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Plus,
    Minus,
    /// Any other character, kept so the parser can quote it.
    Unknown,
    /// The end of the input.
    End,
}

/// One token: its kind and where it sits in the source, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text; `<EOF>` for the end, as DynamoDB writes it.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        match self.kind {
            TokenKind::End => "<EOF>",
            _ => source.get(self.start..self.end).unwrap_or(""),
        }
    }
}

fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_identifier_part(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Tokenizes `source`. The result always ends with exactly one [`TokenKind::End`].
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_whitespace(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        // Consumes the following characters that satisfy `part`, extending `end`.
        let mut take_while = |part: fn(char) -> bool, end: &mut usize| {
            while let Some(&(index, next)) = chars.peek() {
                if !part(next) {
                    break;
                }
                *end = index + next.len_utf8();
                chars.next();
            }
        };
        let kind = match c {
            '(' => TokenKind::LeftParen,
            ')' => TokenKind::RightParen,
            '[' => TokenKind::LeftBracket,
            ']' => TokenKind::RightBracket,
            ',' => TokenKind::Comma,
            '.' => TokenKind::Dot,
            '=' => TokenKind::Equal,
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '<' => match chars.peek() {
                Some(&(_, '>')) => {
                    chars.next();
                    end += 1;
                    TokenKind::NotEqual
                }
                Some(&(_, '=')) => {
                    chars.next();
                    end += 1;
                    TokenKind::LessOrEqual
                }
                _ => TokenKind::Less,
            },
            '>' => match chars.peek() {
                Some(&(_, '=')) => {
                    chars.next();
                    end += 1;
                    TokenKind::GreaterOrEqual
                }
                _ => TokenKind::Greater,
            },
            '#' | ':' => {
                let before = end;
                take_while(is_identifier_part, &mut end);
                if end == before {
                    // A bare `#` or `:` names nothing; let the parser quote it.
                    TokenKind::Unknown
                } else if c == '#' {
                    TokenKind::NamePlaceholder
                } else {
                    TokenKind::ValuePlaceholder
                }
            }
            c if c.is_ascii_digit() => {
                take_while(|c| c.is_ascii_digit(), &mut end);
                TokenKind::Number
            }
            c if is_identifier_start(c) => {
                take_while(is_identifier_part, &mut end);
                TokenKind::Identifier
            }
            _ => TokenKind::Unknown,
        };
        tokens.push(Token { kind, start, end });
    }
    tokens.push(Token {
        kind: TokenKind::End,
        start: source.len(),
        end: source.len(),
    });
    tokens
}

/// The source text DynamoDB quotes as `near:` for a syntax error at token `index`: from
/// the start of the token before it to the end of the token after it.
pub fn near(source: &str, tokens: &[Token], index: usize) -> String {
    let Some(current) = tokens.get(index) else {
        return String::new();
    };
    let start = index
        .checked_sub(1)
        .and_then(|previous| tokens.get(previous))
        .map_or(current.start, |previous| previous.start);
    let end = match current.kind {
        // At the end there is nothing after; the window runs to the end of the input.
        TokenKind::End => source.len(),
        _ => match tokens.get(index + 1) {
            Some(next) if next.kind != TokenKind::End => next.end,
            _ => current.end,
        },
    };
    source.get(start..end).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source).iter().map(|t| t.kind).collect()
    }

    fn texts(source: &str) -> Vec<String> {
        tokenize(source)
            .iter()
            .map(|t| t.text(source).to_string())
            .collect()
    }

    #[test]
    fn splits_paths_placeholders_and_operators() {
        assert_eq!(
            texts("a.#b[12] <> :v1 AND size(c)>=:_"),
            vec![
                "a", ".", "#b", "[", "12", "]", "<>", ":v1", "AND", "size", "(", "c", ")", ">=",
                ":_", "<EOF>"
            ]
        );
    }

    #[test]
    fn two_character_comparators_are_single_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("<= >= <> < > ="),
            vec![
                LessOrEqual,
                GreaterOrEqual,
                NotEqual,
                Less,
                Greater,
                Equal,
                End
            ]
        );
    }

    #[test]
    fn unknown_characters_become_tokens_with_their_bytes() {
        let source = "a ü !";
        let tokens = tokenize(source);
        assert_eq!(tokens[1].kind, TokenKind::Unknown);
        assert_eq!(tokens[1].text(source), "ü");
        assert_eq!(tokens[2].text(source), "!");
    }

    #[test]
    fn bare_placeholder_marks_are_unknown() {
        assert_eq!(
            kinds("# :"),
            vec![TokenKind::Unknown, TokenKind::Unknown, TokenKind::End]
        );
    }

    #[test]
    fn digits_then_letters_split() {
        assert_eq!(texts("1abc"), vec!["1", "abc", "<EOF>"]);
    }

    #[test]
    fn near_quotes_the_previous_and_next_tokens() {
        let source = "INVALID SYNTAX HERE";
        let tokens = tokenize(source);
        assert_eq!(near(source, &tokens, 0), "INVALID SYNTAX");
        let source = "a-b";
        assert_eq!(near(source, &tokenize(source), 1), "a-b");
        let source = "SET hits : incr";
        assert_eq!(near(source, &tokenize(source), 2), "hits : incr");
        let source = "a b";
        assert_eq!(near(source, &tokenize(source), 1), "a b");
        let source = "a = ";
        assert_eq!(near(source, &tokenize(source), 2), "= ");
    }
}
