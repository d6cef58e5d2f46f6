extension String {
    /// The string cut to at most `limit` characters, ending in `…` when cut.
    package func truncated(to limit: Int) -> String {
        guard count > limit else { return self }
        return String(prefix(Swift.max(0, limit - 1))) + "…"
    }
}
