import Foundation
import NERCore
import NERServer

/// `zhner serve`: the HTTP API and web page.
enum ServeCommand: Command {
    /// One option: its flag, its environment variable and its default, which the help lists.
    private struct Option {
        let name: String
        /// Placeholder of the value; nil for a flag that takes none.
        let value: String?
        let env: String
        let defaultText: String
        let help: String
        var isFlag: Bool { value == nil }
    }

    /// The defaults the help shows are the configuration's own.
    private static let defaults = ServerConfig()

    private static let options: [Option] = [
        Option(name: "host", value: "ADDR", env: "ZHNER_HOST", defaultText: defaults.host,
               help: "address to listen on; a non-loopback one needs API keys"),
        Option(name: "port", value: "N", env: "ZHNER_PORT", defaultText: "\(defaults.port)", help: "TCP port; 0 picks a free one"),
        Option(name: "model", value: "DIR", env: "ZHNER_MODEL", defaultText: "see Model search below", help: "model folder"),
        Option(name: "workers", value: "N", env: "ZHNER_WORKERS", defaultText: "number of cores",
               help: "inference threads, one core each"),
        Option(name: "queue", value: "N", env: "ZHNER_QUEUE", defaultText: "\(defaults.queueCapacity)",
               help: "requests that may wait for a worker; more get 503"),
        Option(name: "max-batch-tokens", value: "N", env: "ZHNER_MAX_BATCH_TOKENS", defaultText: "\(defaults.maxBatchTokens)",
               help: "tokens per forward batch (concurrent requests share batches)"),
        Option(name: "batch-wait-ms", value: "MS", env: "ZHNER_BATCH_WAIT_MS", defaultText: "\(defaults.batchWaitMilliseconds)",
               help: "how long a part-filled batch waits for more requests when all workers are busy"),
        Option(name: "deadline-ms", value: "MS", env: "ZHNER_DEADLINE_MS", defaultText: "\(defaults.deadlineMilliseconds)",
               help: "requests not started this long after their body is in get 504"),
        Option(name: "max-body-bytes", value: "N", env: "ZHNER_MAX_BODY_BYTES", defaultText: "\(defaults.maxBodyBytes)",
               help: "largest request body; larger gets 413"),
        Option(name: "max-document-bytes", value: "N", env: "ZHNER_MAX_DOCUMENT_BYTES", defaultText: "\(defaults.maxDocumentBytes)",
               help: "largest text/plain document on the /stream routes (spooled to --spool-dir, streamed in flat memory); larger gets 413"),
        Option(name: "max-documents", value: "N", env: "ZHNER_MAX_DOCUMENTS", defaultText: "--workers minus 1, at least 1",
               help: "documents in flight at once (each may keep a worker for minutes); more get 503 documents_busy"),
        Option(name: "spool-dir", value: "DIR", env: "ZHNER_SPOOL_DIR", defaultText: "$TMPDIR, else /tmp",
               help: "where those documents wait while they are recognised (unnamed files, gone with their request)"),
        Option(name: "max-memory", value: "SIZE", env: "ZHNER_MAX_MEMORY", defaultText: "the cgroup's memory limit, else none",
               help: "memory the process may use (bytes, or with K/M/G/KiB/MiB/GiB); requests whose memory does not fit get 503 (docs/OPERATIONS.md); none for no budget"),
        Option(name: "max-text-chars", value: "N", env: "ZHNER_MAX_TEXT_CHARS", defaultText: "\(defaults.maxTextCharacters)",
               help: "longest text, in code points; longer gets 413"),
        Option(name: "max-batch-texts", value: "N", env: "ZHNER_MAX_BATCH_TEXTS", defaultText: "\(defaults.maxBatchTexts)",
               help: "most texts in one batch request; more gets 413"),
        Option(name: "stream-piece-tokens", value: "N", env: "ZHNER_STREAM_PIECE_TOKENS", defaultText: "\(defaults.streamPieceTokens)",
               help: "about how many tokens each streamed line covers"),
        Option(name: "max-connections", value: "N", env: "ZHNER_MAX_CONNECTIONS", defaultText: "\(defaults.maxConnections)",
               help: "open connections; more are refused"),
        Option(name: "max-connections-per-client", value: "N", env: "ZHNER_MAX_CONNECTIONS_PER_CLIENT", defaultText: "0 (no limit)",
               help: "open connections per client address; more are closed at once (leave 0 behind a proxy)"),
        Option(name: "probe-port", value: "N", env: "ZHNER_PROBE_PORT", defaultText: "none",
               help: "second port, same host, serving only /healthz and /readyz with 16 places of its own: probes are answered while clients hold every --max-connections place"),
        Option(name: "connection-timeout-s", value: "S", env: "ZHNER_CONNECTION_TIMEOUT_S", defaultText: "\(defaults.connectionTimeoutSeconds)",
               help: "idle seconds before a connection is closed"),
        Option(name: "request-timeout-s", value: "S", env: "ZHNER_REQUEST_TIMEOUT_S", defaultText: "\(defaults.requestTimeoutSeconds)",
               help: "most seconds to deliver one request (headers and body, from the connection's start or its previous answer); then the connection is closed"),
        Option(name: "shutdown-grace-s", value: "S", env: "ZHNER_SHUTDOWN_GRACE_S", defaultText: "\(defaults.shutdownGraceSeconds)",
               help: "after SIGTERM, seconds requests in flight may take; then their connections are closed"),
        Option(name: "api-key", value: "KEY", env: "ZHNER_API_KEYS", defaultText: "none",
               help: "accepted Authorization: Bearer key; repeatable or comma-separated; added to ZHNER_API_KEYS's (prefer the variable or a file: arguments show in ps)"),
        Option(name: "api-key-file", value: "FILE", env: "ZHNER_API_KEY_FILE", defaultText: "none",
               help: "file with one key per line (# comments), added to --api-key and ZHNER_API_KEYS"),
        Option(name: "insecure-no-auth", value: nil, env: "ZHNER_INSECURE_NO_AUTH", defaultText: "off",
               help: "serve a non-loopback address without keys"),
        Option(name: "public-metrics", value: nil, env: "ZHNER_PUBLIC_METRICS", defaultText: "off",
               help: "/metrics answers without a key even when keys are set"),
        Option(name: "cors-origin", value: "ORIGIN", env: "ZHNER_CORS_ORIGINS", defaultText: "none",
               help: "origin browsers may call from (* for any); repeatable or comma-separated"),
        Option(name: "lexicon", value: "FILE", env: "ZHNER_LEXICON", defaultText: "none",
               help: "names always recognised (text<TAB>TYPE lines, override the model); SIGHUP rereads it"),
        Option(name: "patterns", value: "P", env: "ZHNER_PATTERNS", defaultText: defaults.patterns.rawValue,
               help: "pattern recognizers for requests without a \"patterns\" field: none, pii (PHONE, EMAIL, URL, IP, ID_CARD, BANK_CARD, PASSPORT, PLATE, USCC) or all (pii and DATE, TIME, MONEY, PERCENT); the /v1/redact routes use pii at least"),
        Option(name: "redact-key-file", value: "FILE", env: RedactionKeySource.fileVariable, defaultText: "none",
               help: "key of /v1/redact's hash operator and keyed pseudonyms: the file's bytes less one final line break (else \(RedactionKeySource.variable)'s value; with neither, hash is refused)"),
    ]

    static var help: String {
        var lines = ["""
            Usage: zhner serve [options]

            Serves the JSON API (POST /v1/entities, /v1/entities/batch, /v1/entities/stream,
            /v1/redact, /v1/redact/stream), the web page at /, /openapi.json, /healthz, /readyz and
            /metrics. Prints
            "zhner serving http://HOST:PORT/" once the model is loaded (after "zhner probes at
            http://HOST:PORT/" with --probe-port). SIGTERM or SIGINT stops
            accepting, finishes the requests in flight (closing those still open after
            --shutdown-grace-s) and exits 0; SIGHUP reloads --lexicon. See docs/API.md.

            Every option can also be set by its environment variable; the option wins, except for
            API keys: those of --api-key, ZHNER_API_KEYS and --api-key-file are all accepted.
            Boolean variables take 1/true/yes/on or 0/false/no/off.

            """]
        for o in options {
            let flag = "  --\(o.name)" + (o.value.map { " " + $0 } ?? "")
            lines.append(flag.padding(toLength: max(flag.count + 2, 30), withPad: " ", startingAt: 0) + o.help)
            lines.append(String(repeating: " ", count: 30) + "(\(o.env); default: \(o.defaultText))")
        }
        lines.append("""

            \(HelpText.modelSearch)

            Environment only (no option):
              \(RedactionKeySource.variable)  the redaction key itself, when no --redact-key-file is given
            \(HelpText.isa)

            Exit codes: 0 stopped by a signal, 1 stopped by a second signal before every request was
            answered, 2 usage (an empty redaction key file included), 65 bad lexicon file, 66 bad or
            missing model, 74 cannot listen (port taken) or read the API key file or redaction key file.
            """)
        return lines.joined(separator: "\n")
    }

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: Set(options.filter { !$0.isFlag }.map(\.name)),
                                 flags: Set(options.filter(\.isFlag).map(\.name)))
        guard args.positional.isEmpty else { throw CLIError.usage("unexpected argument \(args.positional[0])") }
        let settings = Settings(args: args, environment: ProcessInfo.processInfo.environment)
        var config = ServerConfig()
        if let host = settings.string("host") { config.host = host }
        config.port = try settings.int("port", default: config.port, range: 0...65535)
        config.modelDirectory = try DefaultModel.resolve(args.value("model"))
        config.workers = try settings.int("workers", default: config.workers, range: 1...256)
        config.queueCapacity = try settings.int("queue", default: config.queueCapacity, range: 1...100_000)
        config.maxBatchTokens = try settings.int("max-batch-tokens", default: config.maxBatchTokens, range: 512...1_000_000)
        config.batchWaitMilliseconds = try settings.int("batch-wait-ms", default: config.batchWaitMilliseconds, range: 0...10_000)
        config.deadlineMilliseconds = try settings.int("deadline-ms", default: config.deadlineMilliseconds, range: 1...3_600_000)
        config.maxBodyBytes = try settings.int("max-body-bytes", default: config.maxBodyBytes, range: 1...(1 << 30))
        config.maxDocumentBytes = try settings.int("max-document-bytes", default: config.maxDocumentBytes, range: 1...(1 << 40))
        if settings.string("max-documents") != nil { config.maxDocuments = try settings.int("max-documents", default: 1, range: 1...100_000) }
        if let dir = settings.string("spool-dir") { config.spoolDirectory = dir }
        if let raw = settings.string("max-memory") { config.maxMemoryBytes = try settings.size("max-memory", raw) }
        config.maxTextCharacters = try settings.int("max-text-chars", default: config.maxTextCharacters, range: 1...(1 << 30))
        config.maxBatchTexts = try settings.int("max-batch-texts", default: config.maxBatchTexts, range: 1...1_000_000)
        config.streamPieceTokens = try settings.int("stream-piece-tokens", default: config.streamPieceTokens, range: 1...1_000_000)
        config.maxConnections = try settings.int("max-connections", default: config.maxConnections, range: 1...100_000)
        config.maxConnectionsPerClient = try settings.int("max-connections-per-client", default: config.maxConnectionsPerClient, range: 0...100_000)
        if settings.string("probe-port") != nil { config.probePort = try settings.int("probe-port", default: 0, range: 0...65535) }
        config.connectionTimeoutSeconds = try settings.int("connection-timeout-s", default: config.connectionTimeoutSeconds, range: 1...86_400)
        config.requestTimeoutSeconds = try settings.int("request-timeout-s", default: config.requestTimeoutSeconds, range: 1...86_400)
        config.shutdownGraceSeconds = try settings.int("shutdown-grace-s", default: config.shutdownGraceSeconds, range: 1...3600)
        config.apiKeys = settings.list("api-key", mergingVariable: true) + (try settings.string("api-key-file").map(readKeys) ?? [])
        config.insecureNoAuth = try settings.flag("insecure-no-auth")
        config.publicMetrics = try settings.flag("public-metrics")
        config.corsOrigins = settings.list("cors-origin")
        config.lexiconPath = settings.string("lexicon")
        config.patterns = try settings.choice("patterns", default: config.patterns)
        config.redactionKey = try RedactionKeySource.load(path: settings.string("redact-key-file"))
        do {
            try Server.run(config) { url, probeURL in
                if let probeURL { print("zhner probes at \(probeURL)") }
                print("zhner serving \(url)")
                // Scripts wait for this line; stdout is block-buffered when it is a pipe.
                // (nil flushes every stream: Swift 6 flags the global `stdout` as shared state.)
                fflush(nil)
            }
        } catch let e as ServerError {
            switch e {
            case .config(let m): throw CLIError.usage(m)
            case .system(let m): throw CLIError.io(m)
            case .lexicon(let m): throw CLIError.data(m)
            case .interrupted(let m):
                printError(m)
                exit(1)
            }
        }
    }

    /// Keys one per line; blank lines and `#` comments skipped.
    private static func readKeys(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError.io("cannot read the API key file \(path)")
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// An option's value: the command line's, else its environment variable's.
    private struct Settings {
        let args: Arguments
        let environment: [String: String]

        private func env(_ name: String) -> String? {
            let key = ServeCommand.options.first { $0.name == name }!.env
            return environment[key].flatMap { $0.isEmpty ? nil : $0 }
        }

        /// Names the option and its variable, whichever gave the value.
        private func source(_ name: String) -> String {
            args.value(name) != nil || args.flag(name) ? "--\(name)" : ServeCommand.options.first { $0.name == name }!.env
        }

        func string(_ name: String) -> String? { args.value(name) ?? env(name) }

        func int(_ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = string(name) else { return def }
            guard let v = Int(raw), range.contains(v) else {
                throw CLIError.usage("\(source(name)) must be an integer in \(range.lowerBound)...\(range.upperBound), got \(raw)")
            }
            return v
        }

        /// A byte count: digits with an optional K/M/G (binary, with or without "iB"); "none" for no limit.
        func size(_ name: String, _ raw: String) throws -> Int? {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.lowercased() == "none" { return nil }
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            let shifts: [String: Int] = ["": 0, "k": 10, "kib": 10, "m": 20, "mib": 20, "g": 30, "gib": 30]
            guard let n = Int(digits), let shift = shifts[text.dropFirst(digits.count).lowercased()],
                  n <= Int.max >> (shift + 1) else {
                throw CLIError.usage("\(source(name)) must be a size such as 268435456, 256M or 1GiB (or none), got \(raw)")
            }
            return n << shift
        }

        func choice<T: RawRepresentable & CaseIterable>(_ name: String, default def: T) throws -> T where T.RawValue == String {
            guard let raw = string(name) else { return def }
            guard let v = T(rawValue: raw) else {
                throw CLIError.usage("\(source(name)) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \(raw)")
            }
            return v
        }

        func flag(_ name: String) throws -> Bool {
            if args.flag(name) { return true }
            guard let raw = env(name) else { return false }
            switch raw.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw CLIError.usage("\(source(name)) must be 1/true/yes/on or 0/false/no/off, got \(raw)")
            }
        }

        /// Repeated options and comma lists; the command line's replace the variable's unless
        /// `mergingVariable` (API keys: docs/API.md promises every source is accepted).
        func list(_ name: String, mergingVariable: Bool = false) -> [String] {
            let given = args.values(name)
            let variable = env(name).map { [$0] } ?? []
            let raw = given.isEmpty || mergingVariable ? given + variable : given
            return raw.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }
}
