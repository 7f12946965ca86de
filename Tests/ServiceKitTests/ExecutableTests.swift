import Foundation
import NIOHTTP1
import ServiceKit
import TestSupport
import Testing

@Suite("The three executables")
struct ExecutableTests {
    static let certificates = TestCertificates.trusted
    static var tlsArguments: [String] {
        ["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey, "--tls-ca", certificates.ca]
    }

    /// Bootstrap arguments that keep it busy: a readable "JAR", a JobManager that does not answer, a long retry delay.
    static var bootstrapArguments: [String] {
        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("executable-test.jar")
        FileManager.default.createFile(atPath: jar.path, contents: Data("not really a jar".utf8))
        return [
            "--cluster-name", "demo", "--job-name", "computeaverage", "--jar-path", jar.path, "--class-name", "com.example.Job",
            "--jobmanager-url", "http://127.0.0.1:9", "--supervisor-url", "https://127.0.0.1:9", "--retry-delay", "60",
        ]
    }

    @Test(
        "each starts with mutual TLS, answers /version and its own routes, and stops gracefully on SIGTERM",
        arguments: [
            ("operator", ["--namespace", "default"], "GET", "/api/v1/clusters", 200),
            ("supervisor", ["--cluster-name", "demo"], "POST", "/supervisor/v1/reconcile", 202),
            ("bootstrap", bootstrapArguments, "GET", "/bootstrap/v1/progress", 200),
        ])
    func startServeStop(name: String, arguments: [String], method: String, path: String, status: Int) async throws {
        // The operator and the supervisor need a Kubernetes API: a localkube for the duration of the test.
        let kube = name != "bootstrap" ? try await LocalKubeServer.start() : nil
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
                "https://localhost:\(api)\(path)", method: HTTPMethod(rawValue: method), tls: clientTLS(as: "operator-api", of: Self.certificates)
            )
            if answer.status != 503 { break }  // the operator answers 503 until its cache has loaded
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(answer.status == status, "\(answer.body)")
        let exitCode = await launched.terminate()
        if name == "bootstrap" {
            // A one-shot task interrupted before it finished: non-zero, so a Kubernetes Job runs it again.
            #expect(exitCode == 1, "\(launched.output)")
            #expect(launched.output.contains("interrupted before the job was reported"))
        } else {
            #expect(exitCode == 0, "\(launched.output)")
            #expect(launched.output.contains("\(name) stopped"))
        }
    }

    @Test("the supervisor of flink-jobs/demo takes bootstrap reports only from its own cluster's or unbound bootstrap certificates")
    func supervisorReportIdentities() async throws {
        let kube = try await LocalKubeServer.start()
        defer { kube.stop() }
        try kube.applyToolboxCRDs()
        let launched = try LaunchedExecutable.start(
            "supervisor", ["--namespace", "flink-jobs", "--cluster-name", "demo", "--kube-config", kube.kubeconfig] + Self.tlsArguments
        )
        let (api, _) = try await launched.ports()
        let report = #"{"outcome":"Failed","attempt":1}"#
        func post(_ name: String, _ path: String, body: String? = nil) async throws -> Answer {
            try await fetch("https://localhost:\(api)/supervisor/v1\(path)", method: .POST, body: body, tls: clientTLS(as: name))
        }
        for name in ["bootstrap-flink-jobs-other", "supervisor-flink-jobs-demo", "supervisor", "operator-cli", "reader", "legacy"] {
            let answer = try await post(name, "/jobs/a/bootstrap-report", body: report)
            #expect(answer.status == 403 && answer.json?["reason"] as? String == "Unauthorized", "\(name): \(answer.status) \(answer.body)")
        }
        for name in ["bootstrap-flink-jobs-demo", "bootstrap", "operator-api"] {
            // Admitted: the job does not exist in this cluster, so the handler answers (404 or 400), never 403.
            let answer = try await post(name, "/jobs/a/bootstrap-report", body: report)
            #expect(answer.status != 403, "\(name): \(answer.body)")
        }
        #expect(try await post("bootstrap-flink-jobs-demo", "/reconcile").status == 403)
        #expect(try await post("operator-api", "/reconcile").status == 202)
        #expect(await launched.terminate() == 0, "\(launched.output)")
    }

    @Test("the bootstrap reports its progress while it retries an unreachable JobManager")
    func bootstrapProgress() async throws {
        let launched = try LaunchedExecutable.start("bootstrap", Self.bootstrapArguments)
        let (api, _) = try await launched.ports()
        var answer = Answer(status: 0, body: "", contentType: nil)
        let attempted = try await eventually {
            answer = try await fetch("http://127.0.0.1:\(api)/bootstrap/v1/progress")
            return (answer.json?["attempts"] as? Int ?? 0) >= 1
        }
        #expect(attempted, "\(answer.body)")
        let exitCode = await launched.terminate()
        #expect(answer.json?["phase"] as? String == "Uploading")
        #expect(answer.json?["clusterName"] as? String == "demo")
        #expect(exitCode == 1, "an interrupted bootstrap has not done its task: \(launched.output)")
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
