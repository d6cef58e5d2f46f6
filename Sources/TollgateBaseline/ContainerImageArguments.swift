/// The image of a `docker|podman|nerdctl [container] run|create ...` command line.
enum ContainerImageArguments {
    /// Options of `run`/`create` that take no value; every other option takes one (as a
    /// separate word unless written `--name=value`).
    static let flags: Set<String> = [
        "--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty", "-it", "-ti", "--privileged", "--init",
        "--read-only", "-P", "--publish-all", "--no-healthcheck", "--oom-kill-disable", "--sig-proxy", "-q", "--quiet",
        "--replace", "--tls-verify", "--disable-content-trust",
    ]

    /// `ENGINE IMAGE` from `ENGINE ARGS` as the inventory rule renders it, or the input when no
    /// image is found.
    static func entry(_ rendered: String) -> String {
        let words = rendered.split(separator: " ").map(String.init)
        guard let engine = words.first else { return rendered }
        var index = 1
        if index < words.count, words[index] == "container" { index += 1 }
        guard index < words.count, ["run", "create"].contains(words[index]) else { return rendered }
        index += 1
        while index < words.count {
            let word = words[index]
            if word == "--" { index += 1; break }
            guard word.hasPrefix("-") else { break }
            index += flags.contains(word) || word.contains("=") ? 1 : 2
        }
        return index < words.count ? "\(engine) \(words[index])" : rendered
    }
}
