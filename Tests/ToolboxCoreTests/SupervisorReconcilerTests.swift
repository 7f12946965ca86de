import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

@Suite("Supervisor reconciler")
struct SupervisorReconcilerTests {
    static let settings = SupervisorSettings(tlsSecretName: "flink-operator-ssl")

    static func cluster(
        finalizer: Bool = true, status: Components.Schemas.SupervisorStatus? = nil, deleting: Bool = false, supervised: Bool = true
    ) -> FlinkCluster {
        var metadata = ObjectMeta(name: "demo", namespace: "flink-jobs")
        metadata.uid = "uid-demo"
        metadata.finalizers = (finalizer ? [ResourceNames.operatorFinalizer] : []) + (supervised ? [ResourceNames.supervisorFinalizer] : [])
        if deleting { metadata.deletionTimestamp = "2026-11-25T12:00:00Z" }
        var cluster = FlinkCluster(metadata: metadata, spec: Fixtures.clusterSpec())
        cluster.status = status.map { .init(supervisorStatus: $0) }
        return cluster
    }

    @Test("a cluster without pollingInterval or taskTimeout gets the operator's --polling-interval and --task-timeout")
    func timingDefaults() {
        let settings = SupervisorSettings(pollingInterval: 7, taskTimeout: 180)
        let defaulted = SupervisorDeployment.arguments(
            Self.cluster().with {
                $0.spec.supervisor.pollingInterval = nil; $0.spec.supervisor.taskTimeout = nil
            }, settings: settings)
        #expect(defaulted.joined(separator: " ").contains("--polling-interval 7 --task-timeout 180"))
        let declared = SupervisorDeployment.arguments(
            Self.cluster().with {
                $0.spec.supervisor.pollingInterval = 2; $0.spec.supervisor.taskTimeout = 60
            }, settings: settings)
        #expect(declared.joined(separator: " ").contains("--polling-interval 2 --task-timeout 60"))
    }

    @Test("bootstrap Jobs get the bootstrap Secret when there is one, else the supervisor's; the digest only changes with one")
    func bootstrapSecret() {
        let shared = SupervisorSettings(tlsSecretName: "flink-supervisor-ssl")
        let split = SupervisorSettings(tlsSecretName: "flink-supervisor-ssl", bootstrapTLSSecretName: "flink-bootstrap-ssl")
        let sharedArguments = SupervisorDeployment.arguments(Self.cluster(), settings: shared).joined(separator: " ")
        let splitArguments = SupervisorDeployment.arguments(Self.cluster(), settings: split).joined(separator: " ")
        #expect(sharedArguments.contains("--tls-secret flink-supervisor-ssl"))
        #expect(splitArguments.contains("--tls-secret flink-bootstrap-ssl"))
        #expect(!SupervisorDeployment.arguments(Self.cluster(), settings: SupervisorSettings()).contains("--tls-secret"))
        #expect(SupervisorDeployment.digest(for: Self.cluster(), settings: shared) != SupervisorDeployment.digest(for: Self.cluster(), settings: split))
    }

    @Test("the finalizer comes first, then the Deployment, then nothing while it matches")
    func lifecycle() throws {
        #expect(SupervisorReconciler.decide(cluster: Self.cluster(finalizer: false), deployment: nil, settings: Self.settings) == [.addFinalizer])
        let actions = SupervisorReconciler.decide(cluster: Self.cluster(), deployment: nil, settings: Self.settings)
        guard case .createDeployment(let deployment) = try #require(actions.first) else {
            Issue.record("expected a Deployment")
            return
        }
        #expect(deployment.metadata.name == "supervisor-demo")
        #expect(deployment.metadata.ownerReferences?.first?.uid == "uid-demo")
        #expect(deployment.spec["strategy"]?["type"]?.stringValue == "Recreate")
        #expect(deployment.spec["minReadySeconds"] == 5)
        let container = deployment.spec["template"]?["spec"]?["containers"]?.arrayValue?.first
        #expect(container?["name"]?.stringValue == "supervisor")
        let args = container?["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(args.starts(with: ["supervisor", "run", "--namespace", "flink-jobs", "--cluster-name", "demo"]))
        #expect(args.contains("--tls-dir"))
        #expect(deployment.spec["template"]?["spec"]?["volumes"]?.arrayValue?.first?["secret"]?["secretName"]?.stringValue == "flink-operator-ssl")
        #expect(SupervisorReconciler.decide(cluster: Self.cluster(), deployment: deployment, settings: Self.settings).isEmpty)
    }

    @Test("a changed supervisor spec replaces the Deployment, conditionally on its resourceVersion")
    func specChange() {
        var deployment = SupervisorDeployment.build(for: Self.cluster(), settings: Self.settings)
        deployment.metadata.resourceVersion = "42"
        var changed = Self.cluster()
        changed.spec.supervisor.image = "toolbox:1.6.0"
        let actions = SupervisorReconciler.decide(cluster: changed, deployment: deployment, settings: Self.settings)
        guard case .replaceDeployment(let replacement) = actions.first else {
            Issue.record("expected a replacement, got \(actions)")
            return
        }
        #expect(replacement.metadata.resourceVersion == "42")
        #expect(replacement.spec["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == "toolbox:1.6.0")
        #expect(SupervisorReconciler.decide(cluster: Self.cluster(), deployment: deployment, settings: SupervisorSettings()).count == 1)
    }

    @Test("a deleted cluster keeps its supervisor until the supervisor released its finalizer; then the Deployment goes, then the finalizer")
    func termination() {
        let deployment = SupervisorDeployment.build(for: Self.cluster(), settings: Self.settings)
        #expect(SupervisorReconciler.decide(cluster: Self.cluster(deleting: true), deployment: deployment, settings: Self.settings).isEmpty)
        #expect(SupervisorReconciler.decide(cluster: Self.cluster(deleting: true), deployment: nil, settings: Self.settings).count == 1)
        // Terminated is written one pass before the supervisor drops its finalizer: the supervisor must live on.
        #expect(
            SupervisorReconciler.decide(cluster: Self.cluster(status: .terminated, deleting: true), deployment: deployment, settings: Self.settings)
                .isEmpty)
        let released = Self.cluster(status: .terminated, deleting: true, supervised: false)
        #expect(SupervisorReconciler.decide(cluster: released, deployment: deployment, settings: Self.settings) == [.deleteDeployment(name: "supervisor-demo")])
        #expect(SupervisorReconciler.decide(cluster: released, deployment: nil, settings: Self.settings) == [.removeFinalizer])
    }

    static func pod(ready: Bool) -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: "supervisor-demo-1", namespace: "flink-jobs", labels: ["clusterName": "demo"]), spec: [:])
        let json = #"{"phase":"Running","conditions":[{"type":"Ready","status":"\#(ready ? "True" : "False")"}]}"#
        pod.status = try? KubeJSON.decoder.decode(PodStatus.self, from: Data(json.utf8))
        return pod
    }

    static let deletedAt = KubeJSON.parseTimestamp("2026-11-25T12:00:00Z")!

    @Test("a supervisor with no ready pod is waited for abandonAfter after the deletion, then its finalizer is released")
    func abandonment() {
        let deployment = SupervisorDeployment.build(for: Self.cluster(), settings: Self.settings)
        let deleting = Self.cluster(deleting: true)
        func decide(pods: [Pod], after seconds: TimeInterval) -> [SupervisorAction] {
            let liveness = SupervisorLiveness(pods: pods, now: Self.deletedAt.addingTimeInterval(seconds), abandonAfter: 120)
            return SupervisorReconciler.decide(cluster: deleting, deployment: deployment, settings: Self.settings, liveness: liveness)
        }
        #expect(decide(pods: [Self.pod(ready: true)], after: 600).isEmpty)
        #expect(decide(pods: [Self.pod(ready: false)], after: 20) == [.recheck(after: 100.5)])
        #expect(decide(pods: [], after: 20) == [.recheck(after: 100.5)])
        guard case .releaseSupervisorFinalizer(let reason) = decide(pods: [Self.pod(ready: false)], after: 121).first else {
            Issue.record("expected the finalizer to be released")
            return
        }
        #expect(reason.contains("121 s"))
        // A cluster that is not being deleted never loses its supervisor's finalizer, whatever its pods.
        let liveness = SupervisorLiveness(pods: [], now: Self.deletedAt.addingTimeInterval(9_999), abandonAfter: 120)
        #expect(SupervisorReconciler.decide(cluster: Self.cluster(), deployment: deployment, settings: Self.settings, liveness: liveness).isEmpty)
    }

    @Test("a deleted cluster the supervisor never took over (no supervisor finalizer) is released at once")
    func neverSupervised() {
        let deployment = SupervisorDeployment.build(for: Self.cluster(), settings: Self.settings)
        #expect(
            SupervisorReconciler.decide(cluster: Self.cluster(deleting: true, supervised: false), deployment: deployment, settings: Self.settings)
                == [.deleteDeployment(name: "supervisor-demo")])
        #expect(
            SupervisorReconciler.decide(cluster: Self.cluster(deleting: true, supervised: false), deployment: nil, settings: Self.settings)
                == [.removeFinalizer])
    }
}

@Suite("Jobs without a cluster")
struct OrphanJobTests {
    static func job(name: String = "a-b-job", clusterName: String? = nil, label: String? = nil, deleting: Bool = false) -> FlinkJob {
        var metadata = ObjectMeta(name: name, namespace: "ns")
        if let label { metadata.labels = ["clusterName": label] }
        if deleting {
            metadata.deletionTimestamp = "2026-11-25T12:00:00Z"
            metadata.finalizers = [ResourceNames.supervisorFinalizer]
        }
        var spec = Fixtures.jobSpec()
        spec.clusterName = clusterName
        return FlinkJob(metadata: metadata, spec: spec)
    }

    @Test(
        "the cluster comes from spec.clusterName, the label, or the longest name prefix",
        arguments: [
            (Optional("a"), Optional<String>.none, "a"), (nil, "a", "a"), (nil, nil, "a-b"),
        ])
    func resolution(clusterName: String?, label: String?, expected: String) {
        #expect(JobClusterResolver.clusterName(of: Self.job(clusterName: clusterName, label: label), clusters: ["a", "a-b", "b"]) == expected)
    }

    @Test("a job's candidate clusters are its name's prefixes, spec.clusterName and the label; a lookup asks only those")
    func candidates() {
        var job = Self.job(clusterName: "other", label: nil)
        job.metadata.name = "a-b-c"
        #expect(JobClusterResolver.candidates(of: job) == ["a", "a-b", "other"])
        job.spec.clusterName = nil
        var asked: [String] = []
        let resolved = JobClusterResolver.clusterName(of: job) { name in
            asked.append(name)
            return name == "a"
        }
        #expect(resolved == "a" && asked == ["a-b", "a"])
    }

    @Test("a job without cluster or supervisor is marked Unknown and Degraded once, and its deletion is not blocked")
    func orphan() throws {
        let actions = OrphanJobReconciler.decide(job: Self.job(), clusterExists: false, supervisorExists: false, now: Fixtures.now)
        guard case .updateStatus(let status) = try #require(actions.first) else { return }
        #expect(status.supervisorStatus == .unknown)
        #expect(status.jobParallelism == 0)
        var settled = Self.job()
        settled.status = status
        #expect(OrphanJobReconciler.decide(job: settled, clusterExists: false, supervisorExists: false, now: Fixtures.now).isEmpty)
        #expect(OrphanJobReconciler.decide(job: Self.job(), clusterExists: true, supervisorExists: false, now: Fixtures.now).isEmpty)
        let deleting = OrphanJobReconciler.decide(job: Self.job(deleting: true), clusterExists: false, supervisorExists: false, now: Fixtures.now)
        #expect(deleting.contains(.removeSupervisorFinalizer))
    }
}
