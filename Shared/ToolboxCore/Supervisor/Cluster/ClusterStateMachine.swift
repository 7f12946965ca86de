import Foundation
import KubeModels
import ToolboxAPI

/// The FlinkCluster state machine of the supervisor (section 6.1 of the behaviour reference), as a pure function
/// from one observation to a decision. One file per state (`Cluster*.swift`) holds that state's edges and rules.
///
/// Idempotent at rest: when nothing needs to change the decided cluster equals the observed one and there are no
/// actions, so the supervisor writes nothing.
public enum ClusterStateMachine {
    /// Decides the cycle for the state in `status.supervisorStatus` (absent counts as Unknown).
    public static func decide(_ observation: ClusterObservation) -> ClusterDecision {
        var cycle = ClusterCycle(observation)
        switch cycle.state {
        case .unknown: ClusterUnknown.decide(&cycle)
        case .starting: ClusterStarting.decide(&cycle)
        case .started: ClusterStarted.decide(&cycle)
        case .stopping: ClusterStopping.decide(&cycle)
        case .stopped: ClusterStopped.decide(&cycle)
        case .terminated: ClusterTerminated.decide(&cycle)
        }
        cycle.resetWithoutSavepointWhenSettled()
        cycle.refreshStatus()
        return cycle.decision()
    }

    /// The rules of every state, in lifecycle order.
    public static var rules: [any StateRules.Type] {
        [ClusterUnknown.self, ClusterStarting.self, ClusterStarted.self, ClusterStopping.self, ClusterStopped.self, ClusterTerminated.self]
    }

    /// Every edge of the cluster state diagram.
    public static var transitions: [StateTransition] { rules.flatMap { $0.transitions } }
}

extension ClusterCycle {
    /// Pods that count: not failed, not succeeded and not being deleted.
    static func isLive(_ pod: Pod) -> Bool {
        !pod.metadata.isDeleting && !["Failed", "Succeeded"].contains(pod.status?.phase ?? "")
    }

    var liveJobManagerPods: [Pod] { observation.jobManagerPods.filter(Self.isLive) }
    var liveTaskManagerPods: [Pod] { observation.taskManagerPods.filter(Self.isLive) }

    /// Whether the runtime, jobManager or taskManager spec differs from the digests in status.
    var specChanged: Bool {
        let live = SpecDigest.cluster(spec)
        let stored = status.digest
        return stored?.runtime != live.runtime || stored?.jobManager != live.jobManager || stored?.taskManager != live.taskManager
    }

    /// Check 1 of Starting, Started and Stopped: a deleted cluster tears down for good.
    mutating func stopIfDeleted(_ edge: StateTransition) -> Bool {
        guard cluster.metadata.isDeleting else { return false }
        annotations.deleteResources = true
        if annotations.hasPendingAction { annotations.consumeAction(now: now) }
        stop(edge, restart: false)
        return true
    }

    /// Moves to Stopping along `edge`; `restart` decides whether the cluster starts again afterwards.
    mutating func stop(_ edge: StateTransition, restart: Bool) {
        annotations.shouldRestart = restart
        set(\.resourceStatus, .updating)
        move(edge)
        wait()
    }

    /// The status derived from the spec at initialisation and at every restart.
    mutating func initialiseStatus() {
        set(\.labelSelector, ResourceNames.labelSelector(cluster: name))
        set(\.taskManagers, Int32(Rescale.declaredTaskManagers(spec)))
        set(\.taskSlots, spec.taskManager.taskSlots)
        set(\.serviceMode, spec.jobManager.serviceMode.rawValue)
        set(\.digest, SpecDigest.cluster(spec))
        annotations.shouldRestart = false
    }

    /// Every cycle: TaskManager replicas and slots as they are, and the clamped declared count.
    mutating func refreshStatus() {
        let replicas = liveTaskManagerPods.count
        let slots = Int(status.taskSlots ?? spec.taskManager.taskSlots)
        set(\.taskManagerReplicas, Int32(replicas))
        set(\.totalTaskSlots, Int32(replicas * slots))
        set(\.taskManagers, Int32(Rescale.declaredTaskManagers(spec)))
    }

    /// Deletes every pod, then the Service once no pod remains. True when all of them are gone.
    mutating func tearDown() -> Bool {
        let taskManagers = observation.taskManagerPods.filter { !$0.metadata.isDeleting }.compactMap(\.metadata.name)
        let jobManagers = observation.jobManagerPods.filter { !$0.metadata.isDeleting }.compactMap(\.metadata.name)
        if !taskManagers.isEmpty { perform(.deleteTaskManagerPods(taskManagers.sorted())) }
        if !jobManagers.isEmpty { perform(.deleteJobManagerPods(jobManagers.sorted())) }
        let podsGone = observation.taskManagerPods.isEmpty && observation.jobManagerPods.isEmpty
        if podsGone, let service = observation.service, !service.metadata.isDeleting {
            perform(.deleteService(name: service.metadata.name ?? ResourceNames.jobManagerService(cluster: name)))
        }
        return podsGone && observation.service == nil
    }
}

extension ClusterCycle {
    /// `without-savepoint` belongs to the action it came with. The cluster's jobs read it while they stop and start,
    /// so it is reset once the cluster and every job settled: Started with every job Started, or Stopped (or
    /// Terminated) with every job stopped, and no action pending. A later restart then restores the latest savepoint
    /// (the original kept the flag, so every later start of its jobs began from nothing).
    mutating func resetWithoutSavepointWhenSettled() {
        guard annotations.withoutSavepoint, !annotations.hasPendingAction else { return }
        let jobStates = observation.jobs.map { $0.status?.supervisorStatus ?? .unknown }
        let settled: Bool
        switch status.supervisorStatus ?? .unknown {
        case .started: settled = jobStates.allSatisfy { $0 == .started }
        case .stopped, .terminated: settled = jobStates.allSatisfy { [.stopped, .terminated].contains($0) }
        default: settled = false
        }
        if settled { annotations.withoutSavepoint = false }
    }
}
