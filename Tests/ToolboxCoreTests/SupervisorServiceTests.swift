import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

@Suite("Supervisor Service")
struct SupervisorServiceTests {
    static let settings = SupervisorReconcilerTests.settings
    static func cluster(
        finalizer: Bool = true, status: Components.Schemas.SupervisorStatus? = nil, deleting: Bool = false, supervised: Bool = true
    ) -> FlinkCluster {
        SupervisorReconcilerTests.cluster(finalizer: finalizer, status: status, deleting: deleting, supervised: supervised)
    }

    static let deployment = SupervisorDeployment.build(for: cluster(), settings: settings)
    static let service = SupervisorAPIService.build(for: cluster())

    static func deleting<Object: KubeResource>(_ object: Object) -> Object {
        var object = object
        object.metadata.deletionTimestamp = "2026-11-25T12:00:00Z"
        return object
    }

    @Test("the Service: ClusterIP, port 4445 (api) to the supervisor pods' api port, owned by the cluster like the Deployment")
    func builder() throws {
        let service = Self.service
        #expect(service.metadata.name == "supervisor-demo")
        #expect(service.metadata.namespace == "flink-jobs")
        #expect(service.metadata.labels == ["owner": "flink-operator", "clusterName": "demo", "component": "flink", "role": "supervisor"])
        #expect(service.metadata.ownerReferences == Self.deployment.metadata.ownerReferences)
        #expect(service.metadata.ownerReferences?.first?.uid == "uid-demo")
        #expect(service.spec["type"]?.stringValue == "ClusterIP")
        let port = try #require(service.spec["ports"]?.arrayValue?.first)
        #expect(service.spec["ports"]?.arrayValue?.count == 1)
        #expect(port == ["name": "api", "port": 4445, "targetPort": "api", "protocol": "TCP"])
        // The selector is exactly the labels of the supervisor pods, and the target port one of their named ports.
        let template = Self.deployment.spec["template"]
        #expect(service.spec["selector"] == template?["metadata"]?["labels"])
        let podPorts = template?["spec"]?["containers"]?.arrayValue?.first?["ports"]?.arrayValue ?? []
        #expect(podPorts.contains(["name": "api", "containerPort": 4445]))
    }

    @Test(
        "bootstraps report to the Service's DNS name",
        arguments: [
            (true, "https://supervisor-demo.flink-jobs:4445"), (false, "http://supervisor-demo.flink-jobs:4445"),
        ])
    func url(tls: Bool, expected: String) {
        #expect(SupervisorAPIService.url(cluster: "demo", namespace: "flink-jobs", tls: tls) == expected)
    }

    /// (case, cluster, Deployment, Service, expected actions)
    static let decisions: [(String, FlinkCluster, Deployment?, KubeService?, [SupervisorAction])] = [
        ("no finalizer yet: the finalizer only", cluster(finalizer: false), nil, nil, [.addFinalizer]),
        ("new cluster: the Deployment and the Service", cluster(), nil, nil, [.createDeployment(deployment), .createService(service)]),
        ("Deployment exists, Service missing (e.g. made by an older operator): the Service", cluster(), deployment, nil, [.createService(service)]),
        ("both exist: nothing", cluster(), deployment, service, []),
        ("Service exists, Deployment missing: the Deployment", cluster(), nil, service, [.createDeployment(deployment)]),
        ("Deployment being deleted by someone else: wait, no Service", cluster(), deleting(deployment), nil, []),
        ("deleted, supervisor still working: keep both", cluster(deleting: true), deployment, service, []),
        (
            "Terminated, supervisor finalizer still there: keep both (the supervisor releases it next)",
            cluster(status: .terminated, deleting: true), deployment, service, []
        ),
        (
            "Terminated and released by the supervisor: the Deployment and the Service go together",
            cluster(status: .terminated, deleting: true, supervised: false), deployment, service,
            [.deleteDeployment(name: "supervisor-demo"), .deleteService(name: "supervisor-demo")]
        ),
        (
            "Terminated, Deployment gone, Service left: the Service before the finalizer", cluster(status: .terminated, deleting: true, supervised: false), nil,
            service,
            [.deleteService(name: "supervisor-demo")]
        ),
        ("Terminated, Service going away: wait for it", cluster(status: .terminated, deleting: true, supervised: false), nil, deleting(service), []),
        (
            "Terminated, Deployment going away, Service gone: no new Service", cluster(status: .terminated, deleting: true, supervised: false),
            deleting(deployment), nil, []
        ),
        ("Terminated, both gone: the finalizer", cluster(status: .terminated, deleting: true, supervised: false), nil, nil, [.removeFinalizer]),
        (
            "never supervised: both go at once", cluster(deleting: true, supervised: false), deployment, service,
            [.deleteDeployment(name: "supervisor-demo"), .deleteService(name: "supervisor-demo")]
        ),
        (
            "finished without finalizer, Service left: the Service", cluster(finalizer: false, status: .terminated, supervised: false), nil, service,
            [.deleteService(name: "supervisor-demo")]
        ),
    ]

    @Test("the reconciler decides the Service with the Deployment", arguments: decisions.indices)
    func decide(index: Int) {
        let (name, cluster, deployment, service, expected) = Self.decisions[index]
        let actions = SupervisorReconciler.decide(cluster: cluster, deployment: deployment, service: service, settings: Self.settings)
        #expect(actions == expected, "\(name)")
    }
}
