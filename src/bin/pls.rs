fn main() {
    println!("plasmite {}", env!("CARGO_PKG_VERSION"));
}
