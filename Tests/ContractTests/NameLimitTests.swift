import Foundation
import KubeModels
import TestSupport
import Testing
import ToolboxAPI
import ToolboxCore

/// The name limits of the contract: the CEL rule on FlinkDeployment and FlinkCluster names, and a job name's length.
private struct NameLimits: Decodable {
    /// FlinkDeployment and FlinkCluster names.
    let cluster: Int
    /// A job's own name (in a FlinkDeployment, or a FlinkJob's name without `<cluster>-`).
    let job: Int

    static let script = """
        import json, re, yaml
        schemas = yaml.safe_load(open("openapi/toolbox.yaml"))["components"]["schemas"]
        def limits(kind):
            return [int(n) for r in schemas[kind]["x-kubernetes-validations"] for n in re.findall(r"<= (\\d+)", r["rule"])]
        deployment, cluster = limits("FlinkDeployment"), limits("FlinkCluster")
        assert deployment == cluster == [schemas["ClusterName"]["maxLength"]], (deployment, cluster)
        job = schemas["FlinkDeploymentJob"]["properties"]["name"]["maxLength"]
        assert limits("FlinkJob")[-1] == job, limits("FlinkJob")
        print(json.dumps({"cluster": cluster[0], "job": job}))
        """

    static func load() throws -> NameLimits {
        let result = runTool(["python3", "-c", script])
        try #require(result.status == 0, "cannot read the name limits of the contract:\n\(result.output)")
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

    @Test("at the limits every Service, Job and label is a valid name; one character more and a Service name is not")
    func limitsAreExact() throws {
        let limits = try NameLimits.load()
        let longest = try derivedNames(
            deployment(String(repeating: "d", count: limits.cluster), job: String(repeating: "j", count: limits.job)))
        for name in longest.services { #expect(isServiceName(name), "\(name) (\(name.count) characters) is not a valid Service name") }
        for name in longest.jobs.dropLast() {
            #expect(ResourceNames.isValidName(name), "\(name) (\(name.count) characters) is not a valid Job name")
        }
        for value in longest.labels { #expect(value.count <= 63, "label value \(value) is longer than 63") }
        let overCluster = try derivedNames(deployment(String(repeating: "d", count: limits.cluster + 1), job: "j"))
        #expect(overCluster.services.contains { !isServiceName($0) }, "the limit is not tight: \(overCluster.services)")
        #expect(limits.job == 63, "a job's name is a label value, at most 63")
    }

    @Test("a Job name over 63 characters is shortened with a hash of the whole: stable, distinct, valid")
    func boundedJobNames() {
        let cluster = String(repeating: "c", count: 52)
        let short = ResourceNames.bootstrapJob(cluster: "demo", job: "counter")
        #expect(short == "bootstrap-demo-counter")
        let long = ResourceNames.bootstrapJob(cluster: cluster, job: String(repeating: "j", count: 63))
        let plan = ResourceNames.upgradeCheckJob(cluster: cluster, job: String(repeating: "j", count: 63))
        let other = ResourceNames.bootstrapJob(cluster: cluster, job: String(repeating: "j", count: 62) + "k")
        #expect(long.count == 63 && plan.count == 63 && other.count == 63)
        #expect(Set([long, plan, other]).count == 3)
        #expect(ResourceNames.isValidName(long) && ResourceNames.isValidName(plan) && ResourceNames.isValidName(other))
        #expect(long == ResourceNames.bootstrapJob(cluster: cluster, job: String(repeating: "j", count: 63)))
        // FNV-1a of the full name (python3: h = 0x811c9dc5; h = ((h ^ b) * 0x01000193) & 0xffffffff per byte), fixed
        // here so that every process and every release names the same Job alike
        #expect(ResourceNames.bounded(String(repeating: "a", count: 64)) == String(repeating: "a", count: 54) + "-d96f0f85")
    }
}
