//! The web app's entry point: it only mounts the root component.

#[cfg(target_arch = "wasm32")]
fn main() {
    faultline::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("faultline is the web app: build it with `trunk build` (see README). For the command line, run faultline-cli.");
}
