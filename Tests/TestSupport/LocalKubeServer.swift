import Foundation

/// A `Tools/localkube` API server started for a test on 127.0.0.1 with an ephemeral port, stopped by PID.
public final class LocalKubeServer: @unchecked Sendable {
    /// The server's state folder (SQLite store, kubeconfig, logs).
    public let stateDirectory: URL
    /// The kubeconfig localkube wrote for itself.
    public let kubeconfig: String
    /// Base URL of the API server.
    public let url: String
    private let process: Process
    private let log: URL

    private init(stateDirectory: URL, kubeconfig: String, url: String, process: Process, log: URL) {
        self.stateDirectory = stateDirectory
        self.kubeconfig = kubeconfig
        self.url = url
        self.process = process
        self.log = log
    }

    /// Starts localkube (optionally with TLS and client certificates, or a bearer token) and waits until it listens.
    public static func start(
        tls: Bool = false, token: String? = nil, arguments: [String] = [], stateDirectory: URL? = nil
    ) async throws -> LocalKubeServer {
        let directory = stateDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("localkube-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("localkube-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // --exit-with-parent: a test run that is killed leaves no localkube behind.
        var args =
            unblockedLauncher
            + ["python3", "-m", "localkube", "--state-dir", directory.path, "--port", "0", "--bookmark-interval", "1", "--exit-with-parent"]
            + arguments
        if tls { args.append("--tls") }
        if let token { args += ["--token", token] }
        process.arguments = args
        process.currentDirectoryURL = repoRoot.appendingPathComponent("Tools/localkube")
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        for _ in 0..<1500 {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("localkube listening on ") }) {
                let url = String(line.dropFirst("localkube listening on ".count).prefix { $0 != " " })
                return LocalKubeServer(
                    stateDirectory: directory, kubeconfig: directory.appendingPathComponent("kubeconfig").path, url: url, process: process, log: log
                )
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw LocalKubeError.didNotStart((try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        stopProcess(process)
    }

    /// What the server printed.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs real kubectl against this server.
    public func kubectl(_ arguments: [String], input: String? = nil) -> (status: Int32, output: String) {
        let cache = stateDirectory.appendingPathComponent("kubectl-cache").path
        return runTool(["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", cache] + arguments, standardInput: input)
    }

    /// Applies the toolbox CRDs from the Helm chart (Helm's template labels filled in).
    public func applyToolboxCRDs() throws {
        let templates = repoRoot.appendingPathComponent("deploy/helm/flink-k8s-toolbox-crd/templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path).sorted() where file.hasSuffix(".yaml") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            let rendered = text.replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: "test", options: .regularExpression)
            let result = kubectl(["apply", "-f", "-"], input: rendered)
            guard result.status == 0 else { throw LocalKubeError.commandFailed("kubectl apply \(file): \(result.output)") }
        }
    }

    /// Calls localkube's own admin API (`/localkube/v1/...`: faults, compaction, stats) with curl.
    @discardableResult
    public func admin(_ method: String, _ path: String, json: String? = nil) throws -> String {
        var args = ["curl", "-sS", "--fail-with-body", "-X", method]
        if url.hasPrefix("https") {
            args += [
                "-k", "--cert", stateDirectory.appendingPathComponent("client.crt").path, "--key", stateDirectory.appendingPathComponent("client.key").path,
            ]
        }
        if let json { args += ["-H", "Content-Type: application/json", "-d", json] }
        let result = runTool(args + ["\(url)/localkube/v1/\(path)"])
        guard result.status == 0 else { throw LocalKubeError.commandFailed("\(method) \(path): \(result.output)") }
        return result.output
    }

    deinit { stop() }
}

/// Failures of the localkube harness.
public enum LocalKubeError: Error, CustomStringConvertible {
    case didNotStart(String)
    case commandFailed(String)

    /// A message with the server's output.
    public var description: String {
        switch self {
        case .didNotStart(let output): return "localkube did not start:\n\(output)"
        case .commandFailed(let message): return message
        }
    }
}
