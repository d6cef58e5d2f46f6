/// The image of a `docker|podman|nerdctl [GLOBAL OPTIONS] [container] run|create [OPTIONS] IMAGE`
/// command line.
enum ContainerImageArguments {
    /// Options of `run`/`create` that take no value; every other option takes one (as a
    /// separate word unless written `--name=value`). Short ones may be combined (`-dit`).
    static let flags: Set<String> = [
        "--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty", "--privileged", "--init",
        "--read-only", "-P", "--publish-all", "--no-healthcheck", "--oom-kill-disable", "--sig-proxy", "-q", "--quiet",
        "--replace", "--tls-verify", "--disable-content-trust",
    ]
    static let shortFlagLetters: Set<Character> = ["d", "i", "t", "P", "q"]
    /// The engines' global options that take no value; the others before the subcommand take one.
    static let globalFlags: Set<String> = ["-D", "--debug", "--tls", "--tlsverify", "--remote", "-r", "--help", "--version"]

    /// `ENGINE IMAGE` from `ENGINE ARGS`, or `ENGINE <unknown image>` when the line names none
    /// the parser can find.
    static func entry(_ rendered: String) -> String {
        let words = rendered.split(separator: " ").map(String.init)
        guard let engine = words.first else { return rendered }
        var index = 1
        // Global options up to the subcommand.
        while index < words.count, words[index].hasPrefix("-") {
            let word = words[index]
            index += globalFlags.contains(word) || word.contains("=") ? 1 : 2
        }
        if index < words.count, words[index] == "container" { index += 1 }
        guard index < words.count, ["run", "create"].contains(words[index]) else { return "\(engine) <unknown image>" }
        index += 1
        while index < words.count {
            let word = words[index]
            if word == "--" { index += 1; break }
            guard word.hasPrefix("-"), word.count > 1 else { break }
            let combined = !word.hasPrefix("--") && word.dropFirst().allSatisfy { shortFlagLetters.contains($0) }
            index += flags.contains(word) || combined || word.contains("=") ? 1 : 2
        }
        return index < words.count ? "\(engine) \(words[index])" : "\(engine) <unknown image>"
    }
}
