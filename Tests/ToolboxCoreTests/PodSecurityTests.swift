import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// Every pod the toolbox creates (supervisor Deployment, JobManager, TaskManager, bootstrap and plan-only Jobs) runs
/// non-root, without privilege escalation or capabilities, with a read-only root filesystem where the process allows
/// it (not Flink: its entry point rewrites its configuration file), and without a service-account token where the
/// process calls no Kubernetes API.
@Suite("Pod security of every object the toolbox builds")
struct PodSecurityTests {
    /// A built pod spec, what it runs, and what it must look like.
    struct Built: CustomStringConvertible {
        var name: String
        var pod: JSONValue
        var readOnlyRoot: Bool
        var callsKubernetes: Bool
        var description: String { name }
    }

    static func cluster() -> FlinkCluster {
        var metadata = ObjectMeta(name: "demo", namespace: "flink-jobs")
        metadata.uid = "uid-demo"
        return FlinkCluster(metadata: metadata, spec: Fixtures.clusterSpec())
    }

    static func job() -> FlinkJob {
        var metadata = ObjectMeta(name: "demo-job", namespace: "flink-jobs")
        metadata.uid = "uid-job"
        var job = FlinkJob(metadata: metadata, spec: Fixtures.jobSpec())
        job.status = .init(jobParallelism: 2, savepointPath: "file:///savepoints/savepoint-1")
        return job
    }

    /// Every pod spec built for a cluster with one job, with and without the TLS Secret.
    static func everything(cluster: FlinkCluster = cluster(), job: FlinkJob = job()) -> [Built] {
        [nil, "flink-operator-ssl"].flatMap { secret -> [Built] in
            let settings = BootstrapSettings(supervisorURL: "https://supervisor-demo:4445", tlsSecretName: secret)
            let template = { (spec: JSONValue) in spec["template"]?["spec"] ?? .null }
            return [
                Built(
                    name: "supervisor (TLS \(secret != nil))",
                    pod: template(SupervisorDeployment.build(for: cluster, settings: .init(tlsSecretName: secret)).spec),
                    readOnlyRoot: true, callsKubernetes: true),
                Built(
                    name: "bootstrap (TLS \(secret != nil))", pod: template(BootstrapResources.batchJob(for: job, cluster: cluster, settings: settings).spec),
                    readOnlyRoot: true, callsKubernetes: false),
                Built(
                    name: "plan-only bootstrap (TLS \(secret != nil))",
                    pod: template(BootstrapResources.upgradeCheckJob(for: job, cluster: cluster, settings: settings, digest: "d").spec),
                    readOnlyRoot: true, callsKubernetes: false),
            ]
        } + [
            Built(name: "jobmanager", pod: JobManagerResources.pod(for: cluster).spec, readOnlyRoot: false, callsKubernetes: false),
            Built(name: "taskmanager", pod: TaskManagerResources.pod(for: cluster).spec, readOnlyRoot: false, callsKubernetes: false),
        ]
    }

    @Test("non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp", arguments: everything())
    func restricted(_ built: Built) throws {
        let container = try #require(built.pod["containers"]?.arrayValue?.first)
        let context = try #require(container["securityContext"], "\(built.name) has no securityContext")
        #expect(context["runAsNonRoot"] == true)
        #expect((context["runAsUser"]?.intValue ?? 0) > 0)
        #expect(context["allowPrivilegeEscalation"] == false)
        #expect(context["capabilities"]?["drop"] == ["ALL"])
        #expect(context["capabilities"]?["add"] == nil)
        #expect(context["seccompProfile"]?["type"] == "RuntimeDefault")
        #expect(context["privileged"] == nil)
    }

    @Test("a read-only root filesystem where the process allows it, with a writable /tmp", arguments: everything())
    func readOnlyRoot(_ built: Built) throws {
        let container = try #require(built.pod["containers"]?.arrayValue?.first)
        #expect(container["securityContext"]?["readOnlyRootFilesystem"] == .bool(built.readOnlyRoot))
        guard built.readOnlyRoot else { return }
        let tmp = try #require(container["volumeMounts"]?.arrayValue?.first { $0["mountPath"] == "/tmp" })
        let volume = built.pod["volumes"]?.arrayValue?.first { $0["name"] == tmp["name"] }
        #expect(volume?["emptyDir"] != nil)
    }

    @Test("no service-account token where the process calls no Kubernetes API", arguments: everything())
    func serviceAccountToken(_ built: Built) {
        #expect(built.pod["automountServiceAccountToken"] == (built.callsKubernetes ? nil : .bool(false)))
    }

    @Test("a spec's securityContext is laid over the defaults key by key")
    func overrides() throws {
        var cluster = Self.cluster()
        cluster.spec.jobManager.securityContext = try (["readOnlyRootFilesystem": true, "runAsUser": 1234] as JSONValue).decode(
            as: Components.Schemas.SecurityContext.self)
        let context = try #require(JobManagerResources.pod(for: cluster).spec["containers"]?.arrayValue?.first?["securityContext"])
        #expect(context["readOnlyRootFilesystem"] == true && context["runAsUser"]?.intValue == 1234)
        #expect(context["capabilities"]?["drop"] == ["ALL"] && context["allowPrivilegeEscalation"] == false)
    }

    @Test("an account the spec names keeps its token (e.g. for Flink's Kubernetes HA services)")
    func namedAccount() {
        var cluster = Self.cluster()
        cluster.spec.jobManager.serviceAccount = "flink-ha"
        var job = Self.job()
        job.spec.bootstrap.serviceAccount = "jobs"
        #expect(JobManagerResources.pod(for: cluster).spec["automountServiceAccountToken"] == nil)
        #expect(TaskManagerResources.pod(for: cluster).spec["automountServiceAccountToken"] == .bool(false))
        let settings = BootstrapSettings(supervisorURL: "https://supervisor-demo:4445")
        #expect(BootstrapResources.batchJob(for: job, cluster: cluster, settings: settings).spec["template"]?["spec"]?["automountServiceAccountToken"] == nil)
    }
}
