import KubeModels

/// The security defaults of every pod a toolbox process creates (the operator's own Deployment has the same in its
/// chart's values): not root, no privilege escalation, no capabilities, the runtime's seccomp profile, a read-only root
/// filesystem where the process allows it, and no service-account token where the process calls no Kubernetes API.
///
/// A spec's `securityContext` is laid over the defaults key by key, so a user can still loosen one setting (for example
/// `readOnlyRootFilesystem: true` for a Flink image that allows it, or another `runAsUser`) without losing the rest.
enum PodSecurity {
    /// The toolbox images' user (`USER 10001` in deploy/docker/*.Dockerfile).
    static let toolboxUser = 10001
    /// The official Flink images' `flink` user, the one their entry point switches to when started as root.
    static let flinkUser = 9999

    /// The container securityContext of a toolbox process (supervisor, bootstrap) under `spec`'s overrides. The root
    /// filesystem is read-only; the process writes only to the `/tmp` emptyDir (`temporaryVolume`).
    static func toolboxContainer(overriddenBy spec: JSONValue?) -> JSONValue {
        merged(defaults(user: toolboxUser, readOnlyRoot: true), spec)
    }

    /// The container securityContext of a Flink process (JobManager, TaskManager) under `spec`'s overrides. The root
    /// filesystem stays writable: the Flink image's docker-entrypoint.sh rewrites conf/config.yaml (flink-conf.yaml)
    /// in place at every start and Flink writes its logs under /opt/flink/log.
    static func flinkContainer(overriddenBy spec: JSONValue?) -> JSONValue {
        merged(defaults(user: flinkUser, readOnlyRoot: false), spec)
    }

    /// `automountServiceAccountToken` of a pod whose process calls no Kubernetes API: false while it runs under the
    /// namespace's default account; nil (Kubernetes' default, mounted) when the spec names an account, which a user does
    /// to give the process API access (Flink's Kubernetes HA services, for example).
    static func automountToken(serviceAccount: String?) -> JSONValue? {
        serviceAccount == nil ? .bool(false) : nil
    }

    /// The writable `/tmp` of a process with a read-only root filesystem.
    static let temporaryVolume: JSONValue = ["name": "tmp", "emptyDir": ["sizeLimit": "64Mi"]]

    /// Where `temporaryVolume` is mounted.
    static let temporaryMount: JSONValue = ["name": "tmp", "mountPath": "/tmp"]

    private static func defaults(user: Int, readOnlyRoot: Bool) -> JSONValue {
        [
            "runAsNonRoot": true,
            "runAsUser": .number(Double(user)),
            "runAsGroup": .number(Double(user)),
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": .bool(readOnlyRoot),
            "capabilities": ["drop": ["ALL"]],
            "seccompProfile": ["type": "RuntimeDefault"],
        ]
    }

    private static func merged(_ defaults: JSONValue, _ spec: JSONValue?) -> JSONValue {
        guard case .object(var result) = defaults, case .object(let overrides)? = spec else { return defaults }
        for (key, value) in overrides where value != .null { result[key] = value }
        return .object(result)
    }
}
