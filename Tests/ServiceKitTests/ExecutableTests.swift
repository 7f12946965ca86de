import Foundation
import NIOHTTP1
import ServiceKit
import TestSupport
import Testing

/// One of the built executables, started on 127.0.0.1 with ephemeral ports; stopped by PID.
private struct LaunchedExecutable {
    let process: Process
    let log: URL

    /// Starts `name` with `arguments` plus ephemeral loopback ports, logging to a temporary file.
    static func start(_ name: String, _ arguments: [String]) throws -> LaunchedExecutable {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("toolbox-\(name)-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = unblockedLauncher + [try executable(name).path]
            + ["run", "--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0"] + arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return LaunchedExecutable(process: process, log: log)
    }

    /// The built executable: beside the test bundle, or in `.build/debug`.
    static func executable(_ name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            repoRoot.appendingPathComponent(".build/debug/\(name)"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits for the "api/monitoring listening on port N" lines and returns the ports.
    func ports() async throws -> (api: Int, monitoring: Int) {
        for _ in 0..<500 {
            if let api = port("api"), let monitoring = port("monitoring") { return (api, monitoring) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no listening ports in log:\n\(output)"])
    }

    private func port(_ listener: String) -> Int? {
        guard let range = output.range(of: "\(listener) listening on port ") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    /// Sends SIGTERM and waits up to 10 s; kills with SIGKILL if it does not stop.
    func terminate() async -> Int32? {
        process.terminate()
        for _ in 0..<500 where process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}

@Suite("The three executables")
struct ExecutableTests {
    static let certificates = TestCertificates.trusted
    static var tlsArguments: [String] {
        ["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey, "--tls-ca", certificates.ca]
    }

    @Test("each starts with mutual TLS, answers /version and its own routes, and stops gracefully on SIGTERM", arguments: [
        ("operator", ["--namespace", "default"], "GET", "/api/v1/clusters", 200),
        ("supervisor", ["--cluster-name", "demo"], "POST", "/supervisor/v1/reconcile", 501),
        ("bootstrap", ["--cluster-name", "demo", "--job-name", "computeaverage"], "GET", "/bootstrap/v1/progress", 200),
    ])
    func startServeStop(name: String, arguments: [String], method: String, path: String, status: Int) async throws {
        // The operator needs a Kubernetes API: a localkube for the duration of the test.
        let kube = name == "operator" ? try await LocalKubeServer.start() : nil
        defer { kube?.stop() }
        try kube?.applyToolboxCRDs()
        let kubeArguments = kube.map { ["--kube-config", $0.kubeconfig] } ?? []
        let launched = try LaunchedExecutable.start(name, arguments + kubeArguments + Self.tlsArguments)
        let (api, monitoring) = try await launched.ports()
        let version = try await fetch("http://127.0.0.1:\(monitoring)/version")
        #expect(version.json?["component"] as? String == name)
        var answer = Answer(status: 0, body: "", contentType: nil)
        for _ in 0..<100 {
            answer = try await fetch(
                "https://localhost:\(api)\(path)", method: HTTPMethod(rawValue: method), tls: clientTLS(identity: Self.certificates)
            )
            if answer.status != 503 { break }  // the operator answers 503 until its cache has loaded
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(answer.status == status, "\(answer.body)")
        let exitCode = await launched.terminate()
        #expect(exitCode == 0, "\(launched.output)")
        #expect(launched.output.contains("\(name) stopped"))
    }

    @Test("the bootstrap reports its progress before doing anything")
    func bootstrapProgress() async throws {
        let launched = try LaunchedExecutable.start("bootstrap", ["--cluster-name", "demo", "--job-name", "computeaverage"])
        let (api, _) = try await launched.ports()
        let answer = try await fetch("http://127.0.0.1:\(api)/bootstrap/v1/progress")
        _ = await launched.terminate()
        #expect(answer.json?["phase"] as? String == "Pending")
        #expect(answer.json?["clusterName"] as? String == "demo")
        #expect(answer.json?["attempts"] as? Int == 0)
        #expect(launched.output.contains("TLS is not configured"))
    }

    @Test("unreadable TLS material ends the process with exit code 1 and a message naming the file")
    func badCertificateExits() async throws {
        let launched = try LaunchedExecutable.start(
            "operator", ["--tls-cert", "/nonexistent/cert.pem", "--tls-key", Self.certificates.serverKey, "--tls-ca", Self.certificates.ca]
        )
        launched.process.waitUntilExit()
        #expect(launched.process.terminationStatus == 1)
        #expect(launched.output.contains("/nonexistent/cert.pem"))
    }

    @Test("a missing required option is a usage error, not a crash")
    func missingOption() async throws {
        let launched = try LaunchedExecutable.start("supervisor", [])
        launched.process.waitUntilExit()
        #expect(launched.process.terminationStatus == 64)
        #expect(launched.output.contains("--cluster-name"))
    }
}
