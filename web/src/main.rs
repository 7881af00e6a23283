//! The playground's entry point: Trunk builds this binary into the page's WebAssembly.

fn main() {
    dynaplay_web::start();
}
