import Foundation
import KubeModels
import ToolboxAPI

/// TaskManager and parallelism arithmetic of section 8 of the behaviour reference. Pure functions.
///
/// Fix of the original: the TaskManagers needed for a number of slots are rounded UP (the original rounded to the
/// nearest, so one slot with four slots per TaskManager asked for no TaskManager at all).
public enum Rescale {
    /// `count` kept within the cluster's `minTaskManagers` (0 when absent) and `maxTaskManagers` (32 when absent).
    public static func clampTaskManagers(_ count: Int, spec: Components.Schemas.FlinkClusterSpec) -> Int {
        clamp(count, lower: Int(spec.minTaskManagers ?? 0), upper: Int(spec.maxTaskManagers ?? 32))
    }

    /// The declared TaskManager count (`spec.taskManagers`, 0 when absent), clamped.
    public static func declaredTaskManagers(_ spec: Components.Schemas.FlinkClusterSpec) -> Int {
        clampTaskManagers(Int(spec.taskManagers ?? 0), spec: spec)
    }

    /// `parallelism` kept within the job's `minJobParallelism` (0 when absent) and `maxJobParallelism` (32 when
    /// absent). The job state machine uses it for the effective parallelism (`status.jobParallelism`).
    public static func clampParallelism(_ parallelism: Int, spec: Components.Schemas.FlinkJobSpec) -> Int {
        clamp(parallelism, lower: Int(spec.minJobParallelism ?? 0), upper: Int(spec.maxJobParallelism ?? 32))
    }

    /// Slots the cluster's jobs need: the sum of `status.jobParallelism` over jobs that are Starting, Started or
    /// Stopping (a job on its way up or still holding slots).
    public static func requiredSlots(_ jobs: [FlinkJob]) -> Int {
        let holding: Set<LifecycleState> = [.starting, .started, .stopping]
        return jobs.reduce(0) { total, job in
            guard let state = job.status?.supervisorStatus, holding.contains(state) else { return total }
            return total + max(0, Int(job.status?.jobParallelism ?? 0))
        }
    }

    /// TaskManagers needed for `slots` slots with `taskSlots` slots each, rounded up, then clamped.
    /// One slot with four slots per TaskManager needs one TaskManager; zero slots need none.
    public static func requiredTaskManagers(slots: Int, taskSlots: Int, spec: Components.Schemas.FlinkClusterSpec) -> Int {
        let perTaskManager = max(1, taskSlots)
        let needed = max(0, slots + perTaskManager - 1) / perTaskManager
        return clampTaskManagers(needed, spec: spec)
    }

    /// The TaskManager count the cluster should declare: the clamped declared count under rescale policy `None`
    /// or when the cluster has no jobs, else what the jobs' slots need (policy `JobParallelism`, the default).
    public static func target(spec: Components.Schemas.FlinkClusterSpec, jobs: [FlinkJob]) -> Int {
        if spec.supervisor.rescalePolicy == Components.Schemas.RescalePolicy.none || jobs.isEmpty {
            return declaredTaskManagers(spec)
        }
        return requiredTaskManagers(slots: requiredSlots(jobs), taskSlots: Int(spec.taskManager.taskSlots), spec: spec)
    }

    /// Seconds to wait after `status.rescaleTimestamp` before idle TaskManagers are removed (60 when absent).
    public static func rescaleDelay(_ spec: Components.Schemas.FlinkClusterSpec) -> TimeInterval {
        TimeInterval(max(0, spec.supervisor.rescaleDelay ?? 60))
    }

    /// Up to `count` pods, by name, that run an idle TaskManager. A TaskManager is matched to a pod by its host
    /// against the pod's `status.podIP` / `status.podIPs`; busy or unmatched TaskManagers are never chosen.
    public static func idleTaskManagerPods(_ pods: [Pod], taskManagers: [ObservedTaskManager], count: Int) -> [String] {
        guard count > 0 else { return [] }
        let idleHosts = Set(taskManagers.filter(\.isIdle).compactMap(\.host))
        let busyHosts = Set(taskManagers.filter { !$0.isIdle }.compactMap(\.host))
        let names = pods.compactMap { pod -> String? in
            let addresses = podAddresses(pod)
            guard !addresses.isDisjoint(with: idleHosts), addresses.isDisjoint(with: busyHosts) else { return nil }
            return pod.metadata.name
        }
        return Array(names.sorted().prefix(count))
    }

    /// Seconds left until `delay` seconds have passed since `since` (0 when passed; a missing time counts as long ago).
    public static func remaining(_ delay: TimeInterval, since: Date?, now: Date) -> TimeInterval {
        guard let since else { return 0 }
        return max(0, delay - now.timeIntervalSince(since))
    }

    private static func podAddresses(_ pod: Pod) -> Set<String> {
        var addresses = Set(pod.status?.podIPs?.map(\.ip) ?? [])
        if let ip = pod.status?.podIP { addresses.insert(ip) }
        return addresses
    }

    private static func clamp(_ value: Int, lower: Int, upper: Int) -> Int {
        min(max(value, lower), upper)
    }
}
