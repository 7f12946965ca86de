import Foundation
import KubeClient
import TestSupport

/// A localkube with the toolbox CRDs, the real operator (mutual TLS) and the built `flinkctl` binary pointed at it.
final class FlinkctlHarness: @unchecked Sendable {
    let kube: LocalKubeServer
    let client: KubeClient
    let launched: LaunchedExecutable
    let port: Int
    let files: URL

    private init(kube: LocalKubeServer, client: KubeClient, launched: LaunchedExecutable, port: Int) throws {
        self.kube = kube
        self.client = client
        self.launched = launched
        self.port = port
        files = FileManager.default.temporaryDirectory.appendingPathComponent("flinkctl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
    }

    /// Starts localkube and one operator, and waits until its control plane answers.
    static func start() async throws -> FlinkctlHarness {
        let kube = try await LocalKubeServer.start()
        try kube.applyToolboxCRDs()
        let client = try KubeClient(configuration: .kubeconfig(path: kube.kubeconfig))
        let certificates = TestCertificates.trusted
        let launched = try LaunchedExecutable.start(
            "operator",
            [
                "--namespace", "default", "--kube-config", kube.kubeconfig, "--identity", "operator-flinkctl",
                "--lease-duration", "2", "--renew-deadline", "1.5", "--retry-period", "0.2",
                "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey, "--tls-ca", certificates.ca,
            ])
        let harness = try FlinkctlHarness(kube: kube, client: client, launched: launched, port: try await launched.ports().api)
        // The control plane answers 503 until the operator's cache has its first lists.
        _ = await eventually { harness.flinkctl(["deployments", "list"]).status == 0 }
        return harness
    }

    /// The connection options of a client presenting `identity`'s certificate.
    func connection(identity: CertificateSet = TestCertificates.trusted) -> [String] {
        ["--port", String(port), "--cert", identity.clientCertificate, "--key", identity.clientKey, "--ca-cert", TestCertificates.trusted.ca]
    }

    /// Runs the built `flinkctl` with `arguments` plus the connection options (unless `connect` is false).
    func flinkctl(_ arguments: [String], connect: Bool = true, environment: [String: String] = [:], stdin: String? = nil) -> Run {
        Run.flinkctl(arguments + (connect ? connection() : []), environment: environment, stdin: stdin)
    }

    /// Writes `text` to a file in a temporary folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = files.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Stops the operator and localkube.
    func stop() async {
        if launched.process.isRunning { _ = await launched.terminate() }
        try? await client.shutdown()
        kube.stop()
        try? FileManager.default.removeItem(at: files)
    }
}

/// The exit status and separate outputs of one `flinkctl` run.
struct Run: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// The stdout parsed as a JSON object.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] }

    /// Runs the built `flinkctl` binary, or another of the package's executables (beside the test bundle, or in
    /// `.build/debug`), with `stdin` as its standard input (none when nil).
    static func flinkctl(_ arguments: [String], environment: [String: String] = [:], executable: String = "flinkctl", stdin: String? = nil) -> Run {
        do {
            return launch(try LaunchedExecutable.executable(executable), arguments, environment: environment, stdin: stdin)
        } catch {
            return Run(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
    }

    /// Runs the executable at `url` (a link to one included), as `flinkctl(_:environment:executable:stdin:)` does.
    static func launch(_ url: URL, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) -> Run {
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appendingPathComponent("flinkctl-\(UUID().uuidString).out")
        let err = directory.appendingPathComponent("flinkctl-\(UUID().uuidString).err")
        let input = directory.appendingPathComponent("flinkctl-\(UUID().uuidString).in")
        defer { for file in [out, err, input] { try? FileManager.default.removeItem(at: file) } }
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        _ = FileManager.default.createFile(atPath: input.path, contents: stdin.map { Data($0.utf8) })
        let process = Process()
        do {
            process.executableURL = url
            process.arguments = arguments
            // No developer's ~/.config/flinkctl/config.yaml: a test names its config file when it uses one.
            let isolated = ["FLINKCTL_CONFIG": directory.appendingPathComponent("flinkctl-no-config/config.yaml").path]
            process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FLINKCTL_") }
                .merging(isolated) { $1 }.merging(environment) { $1 }
            process.standardInput = stdin == nil ? FileHandle.nullDevice : try FileHandle(forReadingFrom: input)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
        } catch {
            return Run(status: -1, stdout: "", stderr: "cannot run \(url.path): \(error)")
        }
        process.waitUntilExit()
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return Run(status: process.terminationStatus, stdout: read(out), stderr: read(err))
    }
}
