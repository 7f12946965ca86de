import Foundation
import KubeModels
import TestSupport
import Testing
import ToolboxAPI
import ToolboxCore

/// A cluster and job with every optional section filled in, decoded from JSON as the API server would send them.
private enum ValidationFixture {
    static let process: JSONValue = [
        "serviceAccount": "flink", "annotations": ["prometheus.io/scrape": "true"], "command": ["/docker-entrypoint.sh"],
        "environment": [["name": "A", "value": "1"], ["name": "B", "valueFrom": ["secretKeyRef": ["name": "s", "key": "k"]]]],
        "environmentFrom": [["configMapRef": ["name": "flink-env"]]],
        "volumes": [["name": "config", "configMap": ["name": "flink-config"]]],
        "volumeMounts": [["name": "config", "mountPath": "/opt/flink/conf"]],
        "extraPorts": [["name": "metrics", "containerPort": 9249, "protocol": "TCP"]],
        "initContainers": [["name": "init", "image": "busybox", "command": ["true"]]],
        "sideContainers": [["name": "side", "image": "fluentd"]],
        "resources": ["limits": ["cpu": "2", "memory": "2Gi"], "requests": ["cpu": "500m", "memory": "1Gi"]],
        "securityContext": ["runAsNonRoot": true, "allowPrivilegeEscalation": false],
        "tolerations": [["key": "dedicated", "operator": "Equal", "value": "flink", "effect": "NoSchedule"]],
        "topologySpreadConstraints": [["maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"]],
    ]

    static func cluster(rich: Bool) throws -> FlinkCluster {
        var jobManager: JSONValue = rich ? process : [:]
        jobManager["serviceMode"] = rich ? "NodePort" : "ClusterIP"
        var taskManager: JSONValue = rich ? process : [:]
        taskManager["taskSlots"] = 2
        if rich {
            taskManager["affinity"] = [
                "nodeAffinity": [
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        ["weight": 1, "preference": ["matchExpressions": [["key": "pool", "operator": "In", "values": ["flink"]]]]]
                    ]
                ]
            ]
        }
        let spec: JSONValue = [
            "runtime": ["image": "flink:1.20", "pullPolicy": "Always", "pullSecrets": rich ? "regcred" : nil],
            "jobManager": jobManager, "taskManager": taskManager, "supervisor": ["image": "toolbox:1.5.0"],
        ]
        var metadata = ObjectMeta(name: "demo", namespace: "flink-jobs")
        metadata.uid = "uid-demo"
        return FlinkCluster(metadata: metadata, spec: try spec.removingNulls.decode(as: Components.Schemas.FlinkClusterSpec.self))
    }

    static func job() throws -> FlinkJob {
        let spec: JSONValue = [
            "jobParallelism": 2,
            "bootstrap": [
                "image": "jobs:1", "className": "com.example.Job", "jarPath": "/jobs/job.jar", "arguments": ["--input", "x"],
                "pullSecrets": "regcred", "securityContext": ["runAsUser": 1000],
            ],
            "savepoint": ["savepointMode": "Automatic", "savepointInterval": 0, "savepointTargetPath": "file:///savepoints"],
            "restart": ["restartPolicy": "Always"],
        ]
        var metadata = ObjectMeta(name: "demo-wordcount", namespace: "flink-jobs")
        metadata.uid = "uid-job"
        var job = FlinkJob(metadata: metadata, spec: try spec.decode(as: Components.Schemas.FlinkJobSpec.self))
        job.status = .init(jobParallelism: 2, savepointPath: "file:///savepoints/sp-1")
        return job
    }
}

extension JSONValue {
    /// The value without object members that are JSON null.
    fileprivate var removingNulls: JSONValue {
        switch self {
        case .object(let members): .object(members.filter { $0.value != .null }.mapValues(\.removingNulls))
        case .array(let elements): .array(elements.map(\.removingNulls))
        default: self
        }
    }
}

@Suite("SupervisorResources: built objects pass kubernetes-validate --strict")
struct SupervisorResourcesValidationTests {
    /// Writes each object to its own JSON file and runs kubernetes-validate over them all.
    private func validate(_ objects: [String: any Encodable]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-resources-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for (name, object) in objects.sorted(by: { $0.key < $1.key }) {
            let file = directory.appendingPathComponent("\(name).json")
            try KubeJSON.encoder.encode(object).write(to: file)
            files.append(file.path)
        }
        let result = runTool(["python3", "-m", "kubernetes_validate", "--strict", "--kubernetes-version", "1.30.0"] + files)
        #expect(result.status == 0, "kubernetes-validate rejected a built object:\n\(result.output)")
        for file in files {
            #expect(result.output.contains("INFO \(file) passed"), "no pass line for \(file):\n\(result.output)")
        }
    }

    /// The pod as the API server stores it: named from its generateName (kubernetes-validate needs a name to report).
    private func named(_ pod: Pod) -> Pod {
        var pod = pod
        #expect(pod.metadata.name == nil)
        pod.metadata.name = (pod.metadata.generateName ?? "") + "x7k2p"
        return pod
    }

    @Test("kubernetes-validate is installed")
    func toolInstalled() {
        let result = runTool(["python3", "-m", "kubernetes_validate", "--version"])
        #expect(result.status == 0, "python3 -m kubernetes_validate --version failed:\n\(result.output)")
    }

    @Test("the Service, JobManager and TaskManager pods and bootstrap Job are valid Kubernetes objects", arguments: [true, false])
    func objectsValidate(rich: Bool) throws {
        let cluster = try ValidationFixture.cluster(rich: rich)
        let job = try ValidationFixture.job()
        let plain = BootstrapSettings(supervisorURL: "http://supervisor-demo:4445")
        let secure = BootstrapSettings(supervisorURL: "https://supervisor-demo:4445", tlsSecretName: "flink-operator-ssl", dryRun: true)
        try validate([
            "service": JobManagerResources.service(for: cluster),
            "jobmanager": named(JobManagerResources.pod(for: cluster)),
            "taskmanager": named(TaskManagerResources.pod(for: cluster)),
            "bootstrap": BootstrapResources.batchJob(for: job, cluster: cluster, settings: plain),
            "bootstrap-tls": BootstrapResources.batchJob(for: job, cluster: cluster, settings: secure),
        ])
    }

    @Test("the operator's supervisor Deployment and Service are valid Kubernetes objects", arguments: [true, false])
    func supervisorObjectsValidate(tls: Bool) throws {
        let cluster = try ValidationFixture.cluster(rich: tls)
        let settings = SupervisorSettings(tlsSecretName: tls ? "flink-operator-ssl" : nil)
        try validate([
            "supervisor-deployment": SupervisorDeployment.build(for: cluster, settings: settings),
            "supervisor-service": SupervisorAPIService.build(for: cluster),
        ])
    }
}
