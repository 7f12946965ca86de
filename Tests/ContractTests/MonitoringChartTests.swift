import Foundation
import KubeModels
import TestSupport
import Testing
import ToolboxAPI
import ToolboxCore

/// The operator chart's monitoring bundle against the objects the operator builds.
@Suite("Monitoring bundle of the operator chart")
struct MonitoringChartTests {
    struct PodMonitorView: Decodable {
        var labels: [String: String]
        var ports: [String]
        var namespaces: [String]
    }

    /// The chart's PodMonitor as rendered by the real Helm engine with Tests/monitoring/values-monitoring.yaml.
    static func renderedPodMonitor() throws -> PodMonitorView {
        let script = """
            import json, subprocess, sys, yaml
            out = subprocess.run([sys.executable, "Tools/helm/render.py", "deploy/helm/flink-k8s-toolbox-operator", "--namespace", "flink-operator",
                                  "-f", "Tests/monitoring/values-monitoring.yaml"], check=True, capture_output=True, text=True).stdout
            spec = next(d for d in yaml.safe_load_all(out) if d and d["kind"] == "PodMonitor")["spec"]
            print(json.dumps({"labels": spec["selector"]["matchLabels"], "ports": [e["port"] for e in spec["podMetricsEndpoints"]],
                              "namespaces": spec["namespaceSelector"]["matchNames"]}))
            """
        let result = runTool(["python3", "-c", script])
        try #require(result.status == 0, "render: \(result.output)")
        let json = try #require(result.output.split(separator: "\n").last)
        return try JSONDecoder().decode(PodMonitorView.self, from: Data(json.utf8))
    }

    @Test("the PodMonitor selects the supervisor pods the operator builds, on their monitoring port 8080, in the target namespace")
    func podMonitorSelectsSupervisors() throws {
        let monitor = try Self.renderedPodMonitor()
        let spec = Components.Schemas.FlinkClusterSpec(
            taskManagers: 1, minTaskManagers: 0, maxTaskManagers: 4, runtime: .init(image: "flink:2.3.0"),
            jobManager: .init(serviceMode: .clusterIP), taskManager: .init(taskSlots: 1), supervisor: .init(image: "toolbox:1")
        )
        let cluster = FlinkCluster(metadata: ObjectMeta(name: "demo", namespace: "flink-jobs"), spec: spec)
        let deployment = SupervisorDeployment.build(for: cluster, settings: SupervisorSettings())
        let template = try #require(deployment.spec["template"])
        let podLabels = try #require(template["metadata"]?["labels"]?.objectValue).compactMapValues(\.stringValue)
        #expect(!monitor.labels.isEmpty)
        for (key, value) in monitor.labels {
            #expect(podLabels[key] == value, "supervisor pods carry \(podLabels), the PodMonitor selects \(key)=\(value)")
        }
        let container = try #require(template["spec"]?["containers"]?.arrayValue?.first)
        let ports = Dictionary(
            uniqueKeysWithValues: (container["ports"]?.arrayValue ?? []).compactMap { port in
                port["name"]?.stringValue.map { ($0, port["containerPort"]?.intValue) }
            })
        #expect(monitor.ports == ["monitor"])
        #expect(ports["monitor"] == 8080, "the supervisor serves /metrics on the monitoring port, 8080")
        #expect(monitor.namespaces == ["flink-jobs"], "supervisors run in the target namespace")
    }
}
