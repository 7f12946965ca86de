import Foundation
import KubeModels
import ToolboxAPI
import ToolboxCore

/// Builders for the job state machine tests.
enum JobFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let freshTrigger = "0123456789abcdef0123456789abcdef"
    static let target = "file:///savepoints"
    static let lastSavepoint = "file:///savepoints/savepoint-0"
    /// How the supervisor under test builds bootstrap Jobs.
    static let settings = BootstrapSettings(supervisorURL: "https://supervisor-demo.flink-jobs:4445", tlsSecretName: "toolbox-tls")

    /// A time `seconds` before `now`.
    static func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

    static func spec(
        parallelism: Int32 = 2, mode: Components.Schemas.SavepointMode = .automatic, interval: Int32 = 0,
        policy: Components.Schemas.RestartPolicy = .always, className: String = "com.example.Job"
    ) -> Components.Schemas.FlinkJobSpec {
        .init(
            jobParallelism: parallelism, minJobParallelism: 0, maxJobParallelism: 32,
            bootstrap: .init(image: "jobs:1", className: className, jarPath: "/jobs/job.jar"),
            savepoint: .init(savepointMode: mode, savepointInterval: interval, savepointTargetPath: target),
            restart: .init(restartPolicy: policy, restartDelay: 60, restartTimeout: 180)
        )
    }

    /// A FlinkCluster `demo` in `state`.
    static func cluster(
        state: LifecycleState? = .started, resource: Components.Schemas.ResourceStatus = .updated, deleting: Bool = false,
        withoutSavepoint: Bool = false
    ) -> FlinkCluster {
        var metadata = ObjectMeta(name: "demo", namespace: "flink-jobs")
        if deleting { metadata.deletionTimestamp = "2026-11-25T12:00:00Z" }
        if withoutSavepoint { metadata.annotations = [SupervisorAnnotations.withoutSavepointKey: "true"] }
        var cluster = FlinkCluster(metadata: metadata, spec: Fixtures.clusterSpec())
        cluster.status = .init(resourceStatus: resource, supervisorStatus: state)
        return cluster
    }

    /// The bootstrap batch Job of `demo-job`.
    static func bootstrap(deleting: Bool = false) -> BatchJob {
        var metadata = ObjectMeta(name: "bootstrap-demo-job", namespace: "flink-jobs")
        if deleting { metadata.deletionTimestamp = "2026-11-25T12:00:00Z" }
        return BatchJob(metadata: metadata, spec: [:])
    }

    /// An observation of `job` at `now` with the given world around it.
    static func observe(
        _ job: FlinkJob, cluster: FlinkCluster? = cluster(), bootstrap: BatchJob? = nil, reachable: Bool = true,
        flink: ObservedJobState = .unknown, savepoint: ObservedSavepoint = .unknown, bootstrapFailure: String? = nil,
        at time: Date = now, health: ObservedJobHealth? = nil, upgradeCheckJob: BatchJob? = nil, plan: ObservedUpgradePlan? = nil,
        runningVertices: [ObservedVertex]? = nil, disposals: [String: ObservedDisposal] = [:]
    ) -> JobObservation {
        JobObservation(
            job: job, cluster: cluster, bootstrapSettings: settings, bootstrapJob: bootstrap, clusterReachable: reachable, flinkJobState: flink,
            savepoint: savepoint, bootstrapFailure: bootstrapFailure, freshTriggerId: freshTrigger, now: time, jobHealth: health,
            upgradeCheckJob: upgradeCheckJob, upgradePlan: plan, runningVertices: runningVertices, disposals: disposals
        )
    }

    /// The plan-only Job of `demo-job`'s restore-compatibility check of the spec of `digest`.
    static func upgradeCheckJob(digest: String, deleting: Bool = false) -> BatchJob {
        var metadata = ObjectMeta(name: "bootstrap-demo-job-plan", namespace: "flink-jobs")
        metadata.annotations = [BootstrapResources.digestAnnotation: digest]
        if deleting { metadata.deletionTimestamp = "2026-11-25T12:00:00Z" }
        return BatchJob(metadata: metadata, spec: [:])
    }
}

extension SpecResource where Kind == FlinkJobKind {
    /// FlinkJob `demo-job` in `state`, with the status that state normally has, stamped `age` seconds ago.
    static func fixture(
        state: LifecycleState? = .started, spec: Components.Schemas.FlinkJobSpec = JobFixtures.spec(), age: TimeInterval = 10
    ) -> FlinkJob {
        var metadata = ObjectMeta(name: "demo-job", namespace: "flink-jobs", labels: ToolboxLabels.job(cluster: "demo", job: "job"))
        metadata.generation = 1
        metadata.finalizers = [ResourceNames.operatorFinalizer, ResourceNames.supervisorFinalizer]
        var job = FlinkJob(metadata: metadata, spec: spec)
        guard let state else { return job }
        let running = state == .started || state == .stopping
        job.status = .init(
            resourceStatus: state == .started || state == .stopped ? .updated : .updating, supervisorStatus: state,
            clusterName: "demo", clusterHealth: .healthy, labelSelector: ResourceNames.labelSelector(cluster: "demo"),
            jobParallelism: state == .stopped || state == .terminated ? 0 : 2, jobId: running ? "job-1" : "",
            jobStatus: state == .started ? "RUNNING" : "", savepointPath: JobFixtures.lastSavepoint, savepointJobId: "",
            savepointTriggerId: "", savepointRequestTimestamp: JobFixtures.ago(age), savepointMode: spec.savepoint.savepointMode.rawValue,
            restartPolicy: spec.restart.restartPolicy.rawValue, digest: SpecDigest.job(spec), timestamp: JobFixtures.ago(age)
        )
        return job
    }

    /// This job with a deletion timestamp.
    func deleting() -> FlinkJob { with { $0.metadata.deletionTimestamp = "2026-11-25T12:00:00Z" } }

    /// This job with `change` applied.
    func with(_ change: (inout FlinkJob) -> Void) -> FlinkJob {
        var job = self
        change(&job)
        return job
    }

    /// This job with status changed by `change`.
    func status(_ change: (inout Components.Schemas.FlinkJobStatus) -> Void) -> FlinkJob {
        with { job in
            var status = job.status ?? .init()
            change(&status)
            job.status = status
        }
    }

    /// This job with the supervisor annotations changed by `change`.
    func annotations(_ change: (inout SupervisorAnnotations) -> Void) -> FlinkJob {
        with { job in
            var annotations = SupervisorAnnotations(job.metadata)
            change(&annotations)
            job.metadata = annotations.applied(to: job.metadata)
        }
    }

    /// This job with `requested-action` set to `raw` (valid or not).
    func action(_ raw: String) -> FlinkJob {
        with { $0.metadata.annotations = ($0.metadata.annotations ?? [:]).merging([SupervisorAnnotations.requestedActionKey: raw]) { $1 } }
    }

    /// This job with a pending savepoint request under `trigger`, made `age` seconds ago.
    func pendingSavepoint(_ trigger: String = "stored-trigger", age: TimeInterval = 10) -> FlinkJob {
        status {
            $0.savepointJobId = "job-1"
            $0.savepointTriggerId = trigger
            $0.savepointRequestTimestamp = JobFixtures.ago(age)
        }
    }

    /// This job with a restore-compatibility check of its spec's bootstrap in `phase`, begun `age` seconds ago.
    func upgradeCheck(_ phase: Components.Schemas.UpgradeCheckPhase, age: TimeInterval = 10, missing: [String] = []) -> FlinkJob {
        let digest = SpecDigest.of(spec.bootstrap)
        return status { $0.upgradeCheck = .init(bootstrapDigest: digest, phase: phase, missingOperators: missing, timestamp: JobFixtures.ago(age)) }
    }

    /// The supervisor's annotations of this job.
    var supervisorAnnotations: SupervisorAnnotations { SupervisorAnnotations(metadata) }
}
