import Foundation
import KubeClient
import NIOHTTP1
import NIOSSL
import TestSupport
import Testing

/// A localkube with the toolbox CRDs and one or more operator processes (mutual TLS) in namespace `default`, managing
/// it or, with `arguments` such as `--namespaces a,b`, the namespaces those name.
final class OperatorHarness: @unchecked Sendable {
    let kube: LocalKubeServer
    let client: KubeClient
    private(set) var operators: [LaunchedExecutable] = []
    private(set) var ports: [(api: Int, monitoring: Int)] = []
    let tls: TLSConfiguration
    /// Arguments added to every operator's command line.
    let arguments: [String]

    private init(kube: LocalKubeServer, client: KubeClient, tls: TLSConfiguration, arguments: [String]) {
        self.kube = kube
        self.client = client
        self.tls = tls
        self.arguments = arguments
    }

    /// Starts localkube, applies the CRDs, creates `namespaces` and starts `count` operators with a short lease and
    /// `arguments`.
    static func start(operators count: Int = 1, namespaces: [String] = [], arguments: [String] = []) async throws -> OperatorHarness {
        let kube = try await LocalKubeServer.start()
        try kube.applyToolboxCRDs()
        let client = try KubeClient(configuration: .kubeconfig(path: kube.kubeconfig))
        for namespace in namespaces { _ = try await client.create(Namespace(name: namespace)) }
        let harness = OperatorHarness(kube: kube, client: client, tls: try clientTLS(identity: TestCertificates.trusted), arguments: arguments)
        for index in 0..<count { try await harness.startOperator(identity: "operator-\(index)") }
        return harness
    }

    /// Starts one more operator replica.
    func startOperator(identity: String) async throws {
        let certificates = TestCertificates.trusted
        let launched = try LaunchedExecutable.start(
            "operator",
            [
                "--namespace", "default", "--kube-config", kube.kubeconfig, "--identity", identity,
                "--lease-duration", "2", "--renew-deadline", "1.5", "--retry-period", "0.2",
                "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey, "--tls-ca", certificates.ca,
            ] + arguments)
        operators.append(launched)
        ports.append(try await launched.ports())
    }

    /// Calls the control plane of operator `index`, waiting out the 503 of a cache still loading.
    func api(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = "application/json", operator index: Int = 0
    ) async throws -> Answer {
        var answer = Answer(status: 0, body: "", contentType: nil)
        for _ in 0..<200 {
            let url = path == "/" ? "https://localhost:\(ports[index].api)/" : "https://localhost:\(ports[index].api)/api/v1\(path)"
            answer = try await fetch(url, method: method, body: body, contentType: contentType, tls: tls)
            if answer.status != 503 || !answer.body.contains("cache") { return answer }
            try await Task.sleep(for: .milliseconds(50))
        }
        return answer
    }

    /// The Prometheus text of operator `index`.
    func metrics(operator index: Int) async throws -> String {
        try await fetch("http://127.0.0.1:\(ports[index].monitoring)/metrics").body
    }

    /// Write requests (create, update, patch, delete) localkube received, except to Leases: leader election renews
    /// its lease by design; everything else must be quiet at rest.
    func writesExceptLeases() throws -> [String: Int] {
        let stats = try kube.admin("GET", "stats")
        let json = try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any]
        let requests = json?["requests"] as? [String: [String: Int]] ?? [:]
        var writes: [String: Int] = [:]
        for verb in ["create", "update", "patch", "delete", "deletecollection"] {
            for (resource, count) in requests[verb] ?? [:] where !resource.hasPrefix("leases") {
                writes["\(verb) \(resource)", default: 0] += count
            }
        }
        return writes
    }

    /// The last `limit` characters of what every operator and localkube printed, for a failing test's output.
    func logs(limit: Int = 6000) -> String {
        var text = ""
        for (index, launched) in operators.enumerated() {
            text += "--- operator \(index) (last \(limit) characters) ---\n\(launched.output.suffix(limit))\n"
        }
        return text + "--- localkube (last \(limit) characters) ---\n\(kube.output.suffix(limit))"
    }

    /// Polls `condition` like `eventually`; when it does not come true within `seconds`, records an issue that says
    /// `what` was awaited and carries the operators' and localkube's logs, and returns false.
    @discardableResult
    func waitFor(
        _ what: String = "the condition", within seconds: Double = 15, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async -> Bool {
        if (try? await eventually(within: seconds, condition)) == true { return true }
        Issue.record("timed out after \(seconds) s waiting for \(what)\n\(logs())", sourceLocation: sourceLocation)
        return false
    }

    /// Stops everything.
    func stop() async {
        for launched in operators where launched.process.isRunning { _ = await launched.terminate() }
        try? await client.shutdown()
        kube.stop()
    }
}

/// A FlinkDeployment spec with two jobs, as JSON.
let demoDeploymentSpec = """
    {"cluster":{"taskManagers":1,"runtime":{"image":"flink:2.3.0"},"jobManager":{"serviceMode":"ClusterIP"},
     "taskManager":{"taskSlots":2},"supervisor":{"image":"flink-k8s-toolbox-supervisor:1.5.0"}},
     "jobs":[{"name":"a","spec":{"jobParallelism":1,"bootstrap":{"image":"jobs:1","className":"C","jarPath":"/jobs/x.jar"},
       "savepoint":{"savepointMode":"Automatic","savepointInterval":0,"savepointTargetPath":"file:///tmp/sp"},"restart":{"restartPolicy":"Never"}}},
      {"name":"b","spec":{"jobParallelism":1,"bootstrap":{"image":"jobs:1","className":"C","jarPath":"/jobs/x.jar"},
       "savepoint":{"savepointMode":"Manual","savepointInterval":0,"savepointTargetPath":"file:///tmp/sp"},"restart":{"restartPolicy":"Always"}}}]}
    """

/// A FlinkDeployment `name` in `namespace` with the spec `demoDeploymentSpec`.
func demoDeployment(_ name: String, in namespace: String) throws -> FlinkDeployment {
    let json = #"{"apiVersion":"nextbreakpoint.com/v1","kind":"FlinkDeployment","metadata":{"name":"\#(name)","namespace":"\#(namespace)"},"spec":"#
    return try KubeJSON.decoder.decode(FlinkDeployment.self, from: Data((json + demoDeploymentSpec + "}").utf8))
}
