import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// A cluster and job with every optional section filled in, for the builders of what a supervisor creates.
private enum RichResources {
    static let jobManager: JSONValue = [
        "serviceMode": "NodePort", "serviceAccount": "flink-jm", "annotations": ["prometheus.io/scrape": "true"],
        "command": ["/docker-entrypoint.sh"], "environment": [["name": "A", "value": "1"], ["name": "B", "value": "2"]],
        "environmentFrom": [["configMapRef": ["name": "flink-env"]]],
        "volumes": [["name": "config", "configMap": ["name": "flink-config"]]],
        "volumeMounts": [["name": "config", "mountPath": "/opt/flink/conf"]],
        "extraPorts": [["name": "metrics", "containerPort": 9249, "protocol": "TCP"]],
        "initContainers": [["name": "init-a", "image": "busybox"], ["name": "init-b", "image": "busybox"]],
        "sideContainers": [["name": "side-a", "image": "fluentd"], ["name": "side-b", "image": "envoy"]],
        "resources": ["limits": ["cpu": "2", "memory": "2Gi"]], "securityContext": ["runAsNonRoot": true],
        "tolerations": [["key": "dedicated", "operator": "Equal", "value": "flink", "effect": "NoSchedule"]],
        "topologySpreadConstraints": [["maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"]],
    ]

    static func cluster(jobManager: JSONValue = jobManager, taskSlots: Int = 4, affinity: JSONValue? = nil) throws -> FlinkCluster {
        var taskManager = jobManager
        taskManager["serviceMode"] = nil
        taskManager["taskSlots"] = .number(Double(taskSlots))
        taskManager["args"] = ["taskmanager", "-Dkey=value"]
        taskManager["affinity"] = affinity
        var spec = Fixtures.clusterSpec()
        spec.runtime = .init(image: "flink:1.20", pullPolicy: .always, pullSecrets: "regcred")
        spec.jobManager = try jobManager.decode(as: Components.Schemas.JobManagerSpec.self)
        spec.taskManager = try taskManager.decode(as: Components.Schemas.TaskManagerSpec.self)
        var metadata = ObjectMeta(name: "demo", namespace: "flink-jobs")
        metadata.uid = "uid-demo"
        return FlinkCluster(metadata: metadata, spec: spec)
    }

    static func job(name: String = "demo-wordcount", label: String? = nil, savepointPath: String? = nil, arguments: [String]? = nil) -> FlinkJob {
        var metadata = ObjectMeta(name: name, namespace: "flink-jobs")
        metadata.uid = "uid-job"
        metadata.labels = label.map { ToolboxLabels.job(cluster: "demo", job: $0) }
        var spec = Fixtures.jobSpec()
        spec.bootstrap.arguments = arguments
        var job = FlinkJob(metadata: metadata, spec: spec)
        job.status = .init(jobParallelism: 3, savepointPath: savepointPath)
        return job
    }
}

extension JSONValue {
    /// The strings of an array.
    fileprivate var strings: [String] { arrayValue?.compactMap(\.stringValue) ?? [] }
    /// The `name` members of an array of objects.
    fileprivate var names: [String] { arrayValue?.compactMap { $0["name"]?.stringValue } ?? [] }
}

@Suite("SupervisorResources: JobManager, TaskManager and bootstrap objects")
struct SupervisorResourcesTests {
    @Test("the JobManager Service selects the JobManager by its four labels on named ports, typed by serviceMode")
    func service() throws {
        let service = JobManagerResources.service(for: try RichResources.cluster())
        let labels = ["owner": "flink-operator", "clusterName": "demo", "component": "flink", "role": "jobmanager"]
        #expect(service.metadata.name == "jobmanager-demo")
        #expect(service.metadata.namespace == "flink-jobs")
        #expect(service.metadata.labels == labels)
        #expect(service.spec["selector"] == .object(labels.mapValues { .string($0) }))
        #expect(service.spec["type"] == "NodePort")
        let ports = service.spec["ports"]?.arrayValue ?? []
        #expect(ports.map { $0["name"]?.stringValue } == ["ui", "rpc", "blob", "query"])
        #expect(ports.map { $0["port"]?.intValue } == [8081, 6123, 6124, 6125])
        #expect(ports.map { $0["targetPort"]?.stringValue } == ["ui", "rpc", "blob", "query"])
        let reference = try #require(service.metadata.ownerReferences?.first)
        #expect(reference.kind == "FlinkCluster" && reference.uid == "uid-demo" && reference.controller == true && reference.blockOwnerDeletion == false)
        var plain = try RichResources.cluster()
        plain.spec.jobManager.serviceMode = .clusterIP
        #expect(JobManagerResources.service(for: plain).spec["type"] == "ClusterIP")
    }

    @Test("the JobManager pod carries the runtime image, the spec's additions in order, probes and the security context")
    func jobManagerPod() throws {
        let pod = JobManagerResources.pod(for: try RichResources.cluster())
        #expect(pod.metadata.generateName == "jobmanager-demo-" && pod.metadata.name == nil)
        #expect(pod.metadata.labels?["role"] == "jobmanager" && pod.metadata.labels?["clusterName"] == "demo")
        #expect(pod.metadata.annotations == ["prometheus.io/scrape": "true"])
        #expect(pod.metadata.ownerReferences?.first?.uid == "uid-demo")
        let spec = pod.spec
        #expect(spec["restartPolicy"] == nil)
        #expect(spec["initContainers"]?.names == ["init-a", "init-b"])
        #expect(spec["containers"]?.names == ["jobmanager", "side-a", "side-b"])
        #expect(spec["serviceAccountName"] == "flink-jm")
        #expect(spec["imagePullSecrets"] == [["name": "regcred"]])
        #expect(spec["volumes"]?.names == ["config"])
        #expect(spec["tolerations"]?.arrayValue?.first?["key"] == "dedicated")
        #expect(spec["topologySpreadConstraints"]?.arrayValue?.first?["maxSkew"]?.intValue == 1)
        let container = try #require(spec["containers"]?.arrayValue?.first)
        #expect(container["image"] == "flink:1.20" && container["imagePullPolicy"] == "Always")
        #expect(container["command"]?.strings == ["/docker-entrypoint.sh"])
        #expect(container["args"]?.strings == ["jobmanager"])
        #expect(container["ports"]?.names == ["ui", "rpc", "blob", "query", "metrics"])
        #expect(container["env"]?.names == ["POD_NAME", "POD_NAMESPACE", "JOB_MANAGER_RPC_ADDRESS", "A", "B"])
        #expect(container["env"]?.arrayValue?[1]["valueFrom"]?["fieldRef"]?["fieldPath"] == "metadata.namespace")
        #expect(container["env"]?.arrayValue?[2]["value"] == "jobmanager-demo")
        #expect(container["envFrom"]?.arrayValue?.first?["configMapRef"]?["name"] == "flink-env")
        #expect(container["volumeMounts"]?.arrayValue?.first?["mountPath"] == "/opt/flink/conf")
        #expect(container["resources"]?["limits"]?["memory"] == "2Gi")
        #expect(container["securityContext"]?["runAsNonRoot"] == true && container["securityContext"]?["runAsUser"] == 9999)
        #expect(
            container["livenessProbe"] == [
                "httpGet": ["path": "/overview", "port": 8081], "initialDelaySeconds": 15, "periodSeconds": 30, "failureThreshold": 3,
            ])
        #expect(container["readinessProbe"] == ["httpGet": ["path": "/overview", "port": 8081], "periodSeconds": 5])
    }

    @Test("without a spec affinity the pods avoid the cluster's JobManagers (50) and TaskManagers (100) on a host")
    func defaultAffinity() throws {
        let minimal = FlinkCluster(metadata: ObjectMeta(name: "demo", namespace: "flink-jobs"), spec: Fixtures.clusterSpec())
        for pod in [JobManagerResources.pod(for: minimal), TaskManagerResources.pod(for: minimal)] {
            let terms = pod.spec["affinity"]?["podAntiAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []
            #expect(terms.map { $0["weight"]?.intValue } == [50, 100])
            #expect(terms.map { $0["podAffinityTerm"]?["topologyKey"]?.stringValue } == ["kubernetes.io/hostname", "kubernetes.io/hostname"])
            #expect(terms.map { $0["podAffinityTerm"]?["labelSelector"]?["matchLabels"]?["role"]?.stringValue } == ["jobmanager", "taskmanager"])
            #expect(pod.spec["serviceAccountName"] == "default")
            #expect(pod.spec["imagePullSecrets"] == nil && pod.spec["initContainers"] == nil && pod.spec["volumes"] == nil)
            #expect(pod.metadata.annotations == nil)
            #expect(pod.metadata.ownerReferences == nil, "no uid, no owner reference")
        }
    }

    @Test("a spec affinity replaces the default")
    func affinityOverride() throws {
        let affinity: JSONValue = [
            "nodeAffinity": [
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    "nodeSelectorTerms": [
                        ["matchExpressions": [["key": "pool", "operator": "In", "values": ["flink"]]]]
                    ]
                ]
            ]
        ]
        let pod = TaskManagerResources.pod(for: try RichResources.cluster(affinity: affinity))
        #expect(pod.spec["affinity"] == affinity)
    }

    @Test("the TaskManager pod has data and ipc ports, the slot count after the RPC address, no probes")
    func taskManagerPod() throws {
        let pod = TaskManagerResources.pod(for: try RichResources.cluster(taskSlots: 4))
        #expect(pod.metadata.generateName == "taskmanager-demo-")
        #expect(pod.metadata.labels == ["owner": "flink-operator", "clusterName": "demo", "component": "flink", "role": "taskmanager"])
        #expect(pod.spec["containers"]?.names == ["taskmanager", "side-a", "side-b"])
        let container = try #require(pod.spec["containers"]?.arrayValue?.first)
        #expect(container["args"]?.strings == ["taskmanager", "-Dkey=value"])
        #expect(container["ports"]?.names == ["data", "ipc", "metrics"])
        #expect(container["ports"]?.arrayValue?.map { $0["containerPort"]?.intValue } == [6121, 6122, 9249])
        #expect(container["env"]?.names == ["POD_NAME", "POD_NAMESPACE", "JOB_MANAGER_RPC_ADDRESS", "TASK_MANAGER_NUMBER_OF_TASK_SLOTS", "A", "B"])
        #expect(container["env"]?.arrayValue?[3]["value"] == "4")
        #expect(container["livenessProbe"] == nil && container["readinessProbe"] == nil)
        let minimal = FlinkCluster(metadata: ObjectMeta(name: "demo"), spec: Fixtures.clusterSpec())
        #expect(TaskManagerResources.pod(for: minimal).spec["containers"]?.arrayValue?.first?["args"]?.strings == ["taskmanager"])
    }
}

@Suite("SupervisorResources: bootstrap Job and pod selection")
struct SupervisorResourcesBootstrapTests {
    static let settings = BootstrapSettings(supervisorURL: "http://supervisor-demo:4445")
    static let base = [
        "bootstrap", "run", "--namespace", "flink-jobs", "--cluster-name", "demo", "--job-name", "wordcount", "--jar-path", "/jobs/job.jar",
        "--class-name", "com.example.Job", "--parallelism", "3", "--jobmanager-url", "http://jobmanager-demo:8081",
        "--supervisor-url", "http://supervisor-demo:4445",
    ]

    @Test("the bootstrap Job runs once, retried three times, owned by the FlinkJob")
    func batchJob() throws {
        let cluster = try RichResources.cluster()
        let batchJob = BootstrapResources.batchJob(for: RichResources.job(), cluster: cluster, settings: Self.settings)
        #expect(batchJob.metadata.name == "bootstrap-demo-wordcount" && batchJob.metadata.namespace == "flink-jobs")
        let labels = ["owner": "flink-operator", "clusterName": "demo", "component": "flink", "jobName": "wordcount", "role": "bootstrap"]
        #expect(batchJob.metadata.labels == labels)
        let reference = try #require(batchJob.metadata.ownerReferences?.first)
        #expect(reference.kind == "FlinkJob" && reference.uid == "uid-job" && reference.blockOwnerDeletion == false)
        #expect(batchJob.spec["completions"] == 1 && batchJob.spec["parallelism"] == 1 && batchJob.spec["backoffLimit"] == 3)
        #expect(batchJob.spec["ttlSecondsAfterFinished"] == 600)  // removed 10 minutes after it finished (the original: at once)
        #expect(batchJob.spec["template"]?["metadata"]?["labels"] == .object(labels.mapValues { .string($0) }))
        let pod = try #require(batchJob.spec["template"]?["spec"])
        #expect(pod["restartPolicy"] == "OnFailure" && pod["serviceAccountName"] == "default")
        #expect(pod["volumes"]?.names == ["tmp"])
        let term = pod["affinity"]?["podAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue?.first
        #expect(term?["weight"] == 100 && term?["podAffinityTerm"]?["labelSelector"]?["matchLabels"]?["jobName"] == "wordcount")
        let container = try #require(pod["containers"]?.arrayValue?.first)
        #expect(container["name"] == "bootstrap" && container["image"] == "jobs:1" && container["imagePullPolicy"] == "IfNotPresent")
        // The Flink job id of this start is the Job's uid, which Kubernetes puts on the Job's pods as a label.
        #expect(container["args"]?.strings == Self.base + ["--flink-job-id", "$(BOOTSTRAP_JOB_UID)"])
        #expect(container["env"]?.names == ["POD_NAME", "POD_NAMESPACE", "BOOTSTRAP_JOB_UID"])
        #expect(
            container["env"]?.arrayValue?.last?["valueFrom"]?["fieldRef"]?["fieldPath"]
                == "metadata.labels['batch.kubernetes.io/controller-uid']")
        #expect(container["resources"] == ["limits": ["cpu": "1", "memory": "256Mi"], "requests": ["cpu": "100m", "memory": "256Mi"]])
        #expect(container["volumeMounts"] == [["name": "tmp", "mountPath": "/tmp"]])
    }

    @Test("the job name comes from the jobName label when present, else from the FlinkJob name")
    func jobName() {
        #expect(BootstrapResources.jobName(of: RichResources.job(), cluster: "demo") == "wordcount")
        #expect(BootstrapResources.jobName(of: RichResources.job(name: "demo-x", label: "y"), cluster: "demo") == "y")
    }

    @Test("savepoint path, program arguments, TLS and dry run extend the command line in that order")
    func arguments() throws {
        let cluster = try RichResources.cluster()
        let tls = BootstrapSettings(supervisorURL: "https://supervisor-demo:4445", tlsSecretName: "flink-operator-ssl", dryRun: true)
        let job = RichResources.job(savepointPath: "s3://sp/1", arguments: ["--input", "x"])
        var expected = Self.base
        expected[expected.count - 1] = "https://supervisor-demo:4445"
        expected += ["--savepoint-path", "s3://sp/1", "--argument", "--input", "--argument", "x"]
        expected += ["--tls-dir", "/etc/flink-toolbox/tls"]
        expected += ["--dry-run"]
        #expect(BootstrapResources.arguments(for: job, cluster: cluster, settings: tls) == expected)
        #expect(BootstrapResources.arguments(for: RichResources.job(savepointPath: ""), cluster: cluster, settings: Self.settings) == Self.base)
        let built = BootstrapResources.batchJob(for: job, cluster: cluster, settings: tls)
        #expect(built.spec["completions"] == 0)
        let pod = built.spec["template"]?["spec"]
        #expect(pod?["volumes"]?.arrayValue?.first == ["name": "tls", "secret": ["secretName": "flink-operator-ssl"]])
        #expect(
            pod?["containers"]?.arrayValue?.first?["volumeMounts"]?.arrayValue?.first == [
                "name": "tls", "mountPath": "/etc/flink-toolbox/tls", "readOnly": true,
            ])
    }

    @Test("pods are classified by role and cluster; deleting pods are left out; terminated pods are not live")
    func podSelection() throws {
        let cluster = try RichResources.cluster()
        func named(_ pod: Pod, _ name: String, cluster: String = "demo", deleting: Bool = false, phase: String? = nil) -> Pod {
            var pod = pod
            pod.metadata.name = name
            pod.metadata.labels?["clusterName"] = cluster
            if deleting { pod.metadata.deletionTimestamp = "2026-11-25T12:00:00Z" }
            let status: JSONValue = ["phase": phase.map(JSONValue.string) ?? .null]
            if phase != nil { pod.status = try? status.decode(as: PodStatus.self) }
            return pod
        }
        let jm = JobManagerResources.pod(for: cluster), tm = TaskManagerResources.pod(for: cluster)
        let pods = [
            named(jm, "jm-1"), named(jm, "jm-2", deleting: true), named(jm, "jm-3", cluster: "other"),
            named(tm, "tm-1", phase: "Running"), named(tm, "tm-2", phase: "Failed"), named(tm, "tm-3", deleting: true),
        ]
        #expect(PodSelection.jobManagerPods(pods, cluster: "demo").map(\.metadata.name) == ["jm-1"])
        let taskManagers = PodSelection.taskManagerPods(pods, cluster: "demo")
        #expect(taskManagers.map(\.metadata.name) == ["tm-1", "tm-2"])
        #expect(taskManagers.filter(PodSelection.isLive).map(\.metadata.name) == ["tm-1"])
        #expect(PodSelection.isLive(jm))
        #expect(!PodSelection.isLive(named(jm, "done", phase: "Succeeded")))
    }
}
