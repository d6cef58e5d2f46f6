/// The text of one rules file.
public struct RuleSource: Sendable {
    /// The path as it should appear in diagnostics.
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// What loading produced: the rules (nil when there were errors) and every diagnostic.
public struct LoadResult: Sendable {
    public var ruleSet: RuleSet?
    public var diagnostics: [Diagnostic]

    public init(ruleSet: RuleSet?, diagnostics: [Diagnostic]) {
        self.ruleSet = ruleSet
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }
    public var warnings: [Diagnostic] { diagnostics.filter { !$0.isError } }
    public var succeeded: Bool { ruleSet != nil }
}

/// Loads Falco rules files like Falco does: read (YAML, keys, types) -> collect (definitions,
/// append, override; later files override earlier ones) -> compile (lists, macros,
/// exceptions, conditions, outputs, event types).
public struct RuleLoader: Sendable {
    public init() {}

    public func load(files: [RuleSource]) -> LoadResult {
        var result = LoadResult(ruleSet: nil, diagnostics: [])
        onLargeStack { result = loadHere(files) }
        return result
    }

    private func loadHere(_ files: [RuleSource]) -> LoadResult {
        var diagnostics: [Diagnostic] = []
        var collector = RuleCollector()
        for source in files {
            var decoder = RuleFileDecoder(file: SourceFile(path: source.path, text: source.text))
            decoder.decode()
            diagnostics += decoder.diagnostics
            for item in decoder.items { collector.collect(item) }
        }
        diagnostics += collector.diagnostics
        // Like Falco, stop before compiling when reading or collecting failed.
        if diagnostics.contains(where: \.isError) {
            return LoadResult(ruleSet: nil, diagnostics: diagnostics)
        }
        var compilation = RuleCompilation(collector: collector)
        let rules = compilation.run()
        // A macro used by several rules reports the same warning once.
        var seen: Set<String> = []
        diagnostics += compilation.diagnostics.filter { seen.insert("\($0.code)\($0.location?.description ?? "")\($0.message)").inserted }
        if diagnostics.contains(where: \.isError) {
            return LoadResult(ruleSet: nil, diagnostics: diagnostics)
        }
        var plugins: [String: String] = [:]
        for requirement in collector.pluginRequirements { plugins[requirement.name] = requirement.version }
        let ruleSet = RuleSet(rules: rules, requiredEngineVersion: collector.requiredEngineVersion, requiredPlugins: plugins,
                              weakenings: collector.weakenings)
        return LoadResult(ruleSet: ruleSet, diagnostics: diagnostics)
    }
}
