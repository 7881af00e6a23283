//! Checks on projection expressions: reserved words, undefined names, overlapping paths.

use crate::error::Result;
use crate::expr::ExpressionKind;
use crate::expr::ast::{Path, Projection};
use crate::expr::document::DocumentPath;
use crate::expr::messages::invalid;
use crate::expr::placeholders::{Bindings, Placeholders};

use super::{check_paths, resolve_all, visit_path};

/// Checks a projection; on success returns its bindings and resolved paths.
pub fn check_projection(
    projection: &Projection,
    placeholders: &mut Placeholders,
) -> Result<(Bindings, Vec<DocumentPath>)> {
    let kind = ExpressionKind::Projection;
    let mut bindings = Bindings::default();
    let mut reserved = None;
    let mut undefined = None;
    for path in &projection.paths {
        visit_path(
            path,
            placeholders,
            &mut bindings,
            &mut reserved,
            &mut undefined,
        );
    }
    if let Some(message) = reserved.or(undefined) {
        return Err(invalid(kind, message));
    }
    let paths: Vec<&Path> = projection.paths.iter().collect();
    let resolved = resolve_all(&paths, &bindings)?;
    check_paths(kind, &resolved)?;
    Ok((bindings, resolved))
}
