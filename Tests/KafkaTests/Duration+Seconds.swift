extension Duration {
    /// For printing rates.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
