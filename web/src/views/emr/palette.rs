//! The colours of the EMR view's canvases, one set per theme.
//!
//! A canvas cannot read the style sheet's variables, so the colours live here, chosen to
//! match `style.css` (the EMR section defines the same ones for the SVG charts). Phases
//! keep one hue in both themes — map blue, shuffle amber, reduce green — so a learner who
//! switches theme still reads the Gantt the same way; the dark theme only lifts them.

use super::raster::Rgb;
use crate::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Rgb,
    pub panel: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub grid: Rgb,
    pub map: Rgb,
    pub shuffle: Rgb,
    pub reduce: Rgb,
    pub am: Rgb,
    pub failed: Rgb,
    pub killed: Rgb,
    pub speculative: Rgb,
    pub slot: Rgb,
    pub lost: Rgb,
    pub warning: Rgb,
    /// Blocks are coloured by the file they belong to, cycling through these (none of them
    /// a container's colour, so a block is never mistaken for a map).
    pub files: [Rgb; 6],
}

pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Light => Palette {
            background: Rgb(0xff, 0xff, 0xff),
            panel: Rgb(0xf3, 0xf5, 0xf9),
            text: Rgb(0x1c, 0x22, 0x30),
            muted: Rgb(0x5b, 0x64, 0x75),
            grid: Rgb(0xe3, 0xe7, 0xee),
            map: Rgb(0x3b, 0x6f, 0xe0),
            shuffle: Rgb(0xe8, 0x8c, 0x00),
            reduce: Rgb(0x2f, 0x9e, 0x44),
            am: Rgb(0x86, 0x5d, 0xd8),
            failed: Rgb(0xe0, 0x31, 0x31),
            killed: Rgb(0xa5, 0xad, 0xba),
            speculative: Rgb(0xc2, 0x25, 0x9e),
            slot: Rgb(0xdd, 0xe2, 0xea),
            lost: Rgb(0xc9, 0x2a, 0x2a),
            warning: Rgb(0xd9, 0x7a, 0x00),
            files: [
                Rgb(0x0c, 0x99, 0x8a),
                Rgb(0xd6, 0x33, 0x6c),
                Rgb(0x74, 0x8f, 0x2f),
                Rgb(0x99, 0x63, 0x2b),
                Rgb(0x10, 0x98, 0xad),
                Rgb(0xb0, 0x89, 0x00),
            ],
        },
        Theme::Dark => Palette {
            background: Rgb(0x1b, 0x20, 0x29),
            panel: Rgb(0x23, 0x29, 0x35),
            text: Rgb(0xe6, 0xe9, 0xef),
            muted: Rgb(0x9a, 0xa3, 0xb5),
            grid: Rgb(0x2e, 0x35, 0x43),
            map: Rgb(0x6c, 0x9b, 0xff),
            shuffle: Rgb(0xff, 0xb3, 0x3b),
            reduce: Rgb(0x5c, 0xd6, 0x74),
            am: Rgb(0xb1, 0x97, 0xfc),
            failed: Rgb(0xff, 0x6b, 0x6b),
            killed: Rgb(0x6b, 0x74, 0x85),
            speculative: Rgb(0xf0, 0x65, 0xd2),
            slot: Rgb(0x36, 0x3e, 0x4d),
            lost: Rgb(0xff, 0x6b, 0x6b),
            warning: Rgb(0xff, 0xb3, 0x3b),
            files: [
                Rgb(0x38, 0xd9, 0xa9),
                Rgb(0xf7, 0x83, 0xac),
                Rgb(0xa9, 0xe3, 0x4b),
                Rgb(0xe0, 0xa4, 0x6a),
                Rgb(0x3b, 0xc9, 0xdb),
                Rgb(0xff, 0xd4, 0x3b),
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn phases_and_outcomes_are_told_apart_in_both_themes() {
        for theme in [Theme::Light, Theme::Dark] {
            let p = palette(theme);
            let marks = [
                p.map,
                p.shuffle,
                p.reduce,
                p.failed,
                p.killed,
                p.speculative,
                p.am,
            ];
            for file in p.files {
                assert!(
                    !marks.contains(&file),
                    "{theme:?}: a file shares a mark's colour"
                );
            }
            for (i, a) in marks.iter().enumerate() {
                assert_ne!(
                    *a, p.background,
                    "{theme:?} mark {i} shows on the background"
                );
                for b in marks.iter().skip(i + 1) {
                    assert_ne!(a, b, "{theme:?}: two marks share a colour");
                }
            }
        }
    }
}
