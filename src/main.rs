fn main() -> std::process::ExitCode {
    airside::cli::main()
}
