/// This build's version: `turnstile --version`, and written into every archive's header.
enum TurnstileVersion {
    static let current = "0.11.0"
}
