fn main() {
    plasmite::cli::main()
}
