import Foundation
import KubeModels
import TestSupport
import Testing
import ToolboxAPI
import ToolboxCore

/// The name limits the CRDs' CEL rules state (`x-kubernetes-validations` in openapi/toolbox.yaml), read from the contract.
private struct NameLimits: Decodable {
    /// FlinkDeployment and FlinkCluster names.
    let cluster: Int
    /// A FlinkDeployment's name plus one job's name.
    let deploymentAndJob: Int
    /// A FlinkJob named `<cluster>-<job>`.
    let job: Int

    static let script = """
        import json, re, yaml
        schemas = yaml.safe_load(open("openapi/toolbox.yaml"))["components"]["schemas"]
        def limits(kind):
            return [int(n) for r in schemas[kind]["x-kubernetes-validations"] for n in re.findall(r"<= (\\d+)", r["rule"])]
        deployment, cluster, job = limits("FlinkDeployment"), limits("FlinkCluster"), limits("FlinkJob")
        assert deployment[0] == cluster[0], (deployment, cluster)
        print(json.dumps({"cluster": cluster[0], "deploymentAndJob": deployment[1], "job": job[1]}))
        """

    static func load() throws -> NameLimits {
        let result = runTool(["python3", "-c", script])
        try #require(result.status == 0, "cannot read the CEL rules of the contract:\n\(result.output)")
        return try JSONDecoder().decode(NameLimits.self, from: Data(result.output.utf8))
    }
}

/// Whether `name` is a DNS-1035 label (a Service name): at most 63, lower-case alphanumerics and '-', starting with a letter.
private func isServiceName(_ name: String) -> Bool {
    ResourceNames.isValidName(name) && name.first?.isLetter == true
}

@Suite("The CRDs' name limits fit every name the toolbox derives")
struct NameLimitTests {
    private func deployment(_ name: String, job: String) throws -> FlinkDeployment {
        let spec: JSONValue = [
            "cluster": [
                "runtime": ["image": "flink:2.3"], "jobManager": ["serviceMode": "ClusterIP"], "taskManager": ["taskSlots": 1],
                "supervisor": ["image": "toolbox:1"],
            ],
            "jobs": [
                [
                    "name": .string(job),
                    "spec": [
                        "bootstrap": ["image": "jobs:1", "className": "com.example.Job", "jarPath": "/job.jar"],
                        "savepoint": ["savepointMode": "Automatic", "savepointInterval": 0, "savepointTargetPath": "file:///sp"],
                        "restart": ["restartPolicy": "Always"],
                    ],
                ]
            ],
        ]
        var metadata = ObjectMeta(name: name, namespace: "flink-jobs")
        metadata.uid = "uid-\(name)"
        return FlinkDeployment(metadata: metadata, spec: try spec.decode(as: Components.Schemas.FlinkDeploymentSpec.self))
    }

    /// The names of every object the operator and the supervisor write for a deployment and its one job.
    private func derivedNames(_ deployment: FlinkDeployment) throws -> (services: [String], jobs: [String], labels: [String]) {
        let cluster = DeploymentSplit.cluster(of: deployment)
        let deploymentJob = try #require(deployment.spec.jobs?.first)
        let job = DeploymentSplit.flinkJob(deploymentJob, of: deployment)
        let settings = BootstrapSettings(supervisorURL: "http://supervisor:4445")
        let batchJobs = [
            BootstrapResources.batchJob(for: job, cluster: cluster, settings: settings),
            BootstrapResources.upgradeCheckJob(for: job, cluster: cluster, settings: settings, digest: "d"),
        ]
        let services = [JobManagerResources.service(for: cluster), SupervisorAPIService.build(for: cluster)]
        let supervisor = SupervisorDeployment.build(for: cluster, settings: SupervisorSettings())
        let labels =
            [cluster.metadata.labels, job.metadata.labels, supervisor.metadata.labels, JobManagerResources.pod(for: cluster).metadata.labels]
            + batchJobs.map(\.metadata.labels)
        return (
            services.compactMap(\.metadata.name) + [supervisor.metadata.name ?? ""],
            batchJobs.compactMap(\.metadata.name) + [job.metadata.name ?? ""],
            labels.flatMap { ($0 ?? [:]).values }
        )
    }

    @Test("at the limits every Service, Job and label is a valid name; one character more and a Job name is not")
    func limitsAreExact() throws {
        let limits = try NameLimits.load()
        #expect(limits.job == limits.deploymentAndJob + 1, "a FlinkJob <cluster>-<job> is the deployment's and job's names and a '-'")
        let longest = try deployment(String(repeating: "d", count: limits.cluster), job: "j")
        let longestNames = try derivedNames(longest)
        for name in longestNames.services { #expect(isServiceName(name), "\(name) (\(name.count) characters) is not a valid Service name") }

        let dLength = limits.deploymentAndJob - 7
        let atLimit = try derivedNames(deployment(String(repeating: "d", count: dLength), job: String(repeating: "j", count: 7)))
        for name in atLimit.services { #expect(isServiceName(name), "\(name) is not a valid Service name") }
        for name in atLimit.jobs { #expect(ResourceNames.isValidName(name), "\(name) (\(name.count) characters) is not a valid Job name") }
        for value in atLimit.labels { #expect(value.count <= 63, "label value \(value) is longer than 63") }

        let over = try derivedNames(deployment(String(repeating: "d", count: dLength + 1), job: String(repeating: "j", count: 7)))
        #expect(over.jobs.contains { !ResourceNames.isValidName($0) }, "the limit is not tight: \(over.jobs)")
        let overCluster = try derivedNames(deployment(String(repeating: "d", count: limits.cluster + 1), job: "j"))
        #expect(overCluster.services.contains { !isServiceName($0) }, "the limit is not tight: \(overCluster.services)")
    }
}
