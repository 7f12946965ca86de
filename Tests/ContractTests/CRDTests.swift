import Foundation
import TestSupport
import Testing

/// Repository-relative paths of the `.yaml` files in the directories matching `prefix`
/// below `examples/` (e.g. `manual-` or `invalid`), sorted.
private func exampleFiles(_ prefix: String) -> [String] {
    let fm = FileManager.default
    let examples = repoRoot.appendingPathComponent("examples")
    let dirs = ((try? fm.contentsOfDirectory(atPath: examples.path)) ?? []).filter { $0.hasPrefix(prefix) }
    return dirs.flatMap { dir in
        ((try? fm.contentsOfDirectory(atPath: examples.appendingPathComponent(dir).path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }
            .map { "examples/\(dir)/\($0)" }
    }.sorted()
}

/// The field path (or field name) each invalid example must be reported with.
private let invalidExamples: [String: String] = [
    "examples/invalid/bad-annotation-key.yaml": "spec.cluster.taskManager.annotations: Invalid value",
    "examples/invalid/bad-enum.yaml": "spec.cluster.runtime.pullPolicy",
    "examples/invalid/bad-service-account.yaml": "spec.cluster.jobManager.serviceAccount",
    "examples/invalid/huge-string.yaml": "spec.jobs[0].spec.bootstrap.className",
    "examples/invalid/job-name-too-long.yaml": "spec.jobs[0].name",
    "examples/invalid/bad-type.yaml": "spec.cluster.taskManagers",
    "examples/invalid/missing-required.yaml": "spec.cluster.runtime.image",
    "examples/invalid/unknown-field.yaml": "serviceType",
]

/// Prints, as JSON, the names, printer columns and subresources of the chart's CRDs.
private let crdSummaryScript = """
    import glob, json, re, yaml
    out = {}
    for path in sorted(glob.glob("deploy/helm/flink-k8s-toolbox-crd/templates/*.yaml")):
        doc = yaml.safe_load(re.sub(r"\\{\\{.*?\\}\\}", "placeholder", open(path).read()))
        version = doc["spec"]["versions"][0]
        out[doc["spec"]["names"]["kind"]] = {
            "shortNames": doc["spec"]["names"]["shortNames"],
            "columns": [[c["name"], c["jsonPath"], c["type"]] for c in version.get("additionalPrinterColumns", [])],
            "subresources": version.get("subresources", {}),
            "served": version["served"], "storage": version["storage"], "scope": doc["spec"]["scope"],
        }
    print(json.dumps(out))
    """

@Suite("CRD chart generated from the contract")
struct CRDTests {
    @Test("the CRD chart is in sync with openapi/toolbox.yaml")
    func crdsInSync() {
        let result = runTool(["python3", "Tools/crdgen/crdgen.py", "--check"])
        #expect(result.status == 0, "crdgen --check failed:\n\(result.output)")
    }

    @Test("the manual examples validate against the CRDs")
    func manualExamplesValidate() {
        let files = exampleFiles("manual-")
        #expect(files.contains("examples/manual-1.4.4/deployment.yaml"))
        #expect(files.contains("examples/manual-1.4.1/deployment.yaml"))
        let result = runTool(["python3", "Tools/crdgen/validate_cr.py"] + files)
        #expect(result.status == 0, "validate_cr failed:\n\(result.output)")
        for file in files {
            #expect(result.output.contains("OK \(file):"), "no OK line for \(file):\n\(result.output)")
        }
        #expect(result.output.contains("OK examples/manual-1.4.4/deployment.yaml: 1 resources valid"))
    }

    @Test("each invalid example is rejected, naming the offending field")
    func invalidExamplesRejected() {
        let files = exampleFiles("invalid")
        #expect(Set(files) == Set(invalidExamples.keys), "examples/invalid and the expectations differ")
        for file in files {
            let result = runTool(["python3", "Tools/crdgen/validate_cr.py", file])
            #expect(result.status == 1, "\(file) was accepted:\n\(result.output)")
            let field = invalidExamples[file] ?? "?"
            #expect(result.output.contains("\(file): FlinkDeployment/demo: "), "\(file):\n\(result.output)")
            #expect(result.output.contains(field), "\(file) does not name \(field):\n\(result.output)")
        }
    }

    @Test("the CRDs declare names, printer columns and scale subresources")
    func printerColumnsAndScale() throws {
        let result = runTool(["python3", "-c", crdSummaryScript])
        try #require(result.status == 0, "cannot read the CRDs:\n\(result.output)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        let crds = try #require(json as? [String: [String: Any]])
        #expect(Set(crds.keys) == ["FlinkDeployment", "FlinkCluster", "FlinkJob"])

        func columns(_ kind: String) -> [[String]] { crds[kind]?["columns"] as? [[String]] ?? [] }
        func scale(_ kind: String) -> [String: String]? {
            (crds[kind]?["subresources"] as? [String: Any])?["scale"] as? [String: String]
        }
        func hasStatus(_ kind: String) -> Bool {
            (crds[kind]?["subresources"] as? [String: Any])?["status"] != nil
        }
        let age = ["AGE", ".metadata.creationTimestamp", "date"]

        #expect(columns("FlinkDeployment") == [["RESOURCE-STATUS", ".status.resourceStatus", "string"], age])
        #expect(
            columns("FlinkCluster") == [
                ["RESOURCE-STATUS", ".status.resourceStatus", "string"],
                ["SUPERVISOR-STATUS", ".status.supervisorStatus", "string"],
                ["CLUSTER-HEALTH", ".status.clusterHealth", "string"],
                ["TASK-MANAGERS", ".status.taskManagers", "integer"],
                ["REQUESTED-TASK-MANAGERS", ".spec.taskManagers", "integer"],
                ["TASK-MANAGERS-REPLICAS", ".status.taskManagerReplicas", "integer"],
                ["TOTAL-TASK-SLOTS", ".status.totalTaskSlots", "integer"],
                ["SERVICE-MODE", ".status.serviceMode", "string"],
                age,
            ])
        #expect(
            columns("FlinkJob") == [
                ["RESOURCE-STATUS", ".status.resourceStatus", "string"],
                ["SUPERVISOR-STATUS", ".status.supervisorStatus", "string"],
                ["CLUSTER-NAME", ".status.clusterName", "string"],
                ["CLUSTER-HEALTH", ".status.clusterHealth", "string"],
                ["JOB-STATUS", ".status.jobStatus", "string"],
                ["JOB-ID", ".status.jobId", "string"],
                ["JOB-RESTART", ".status.restartPolicy", "string"],
                ["JOB-PARALLELISM", ".status.jobParallelism", "integer"],
                ["REQUESTED-JOB-PARALLELISM", ".spec.jobParallelism", "integer"],
                ["SAVEPOINT-MODE", ".status.savepointMode", "string"],
                ["SAVEPOINT-PATH", ".status.savepointPath", "string"],
                ["SAVEPOINT-AGE", ".status.savepointTimestamp", "date"],
                age,
            ])

        #expect(scale("FlinkDeployment") == nil)
        #expect(
            scale("FlinkCluster") == [
                "specReplicasPath": ".spec.taskManagers",
                "statusReplicasPath": ".status.taskManagers",
                "labelSelectorPath": ".status.labelSelector",
            ])
        #expect(
            scale("FlinkJob") == [
                "specReplicasPath": ".spec.jobParallelism",
                "statusReplicasPath": ".status.jobParallelism",
                "labelSelectorPath": ".status.labelSelector",
            ])
        for (kind, shortName) in [("FlinkDeployment", "fd"), ("FlinkCluster", "fc"), ("FlinkJob", "fj")] {
            #expect(hasStatus(kind), "\(kind) has no status subresource")
            #expect(crds[kind]?["shortNames"] as? [String] == [shortName])
            #expect(crds[kind]?["scope"] as? String == "Namespaced")
            #expect(crds[kind]?["served"] as? Bool == true && crds[kind]?["storage"] as? Bool == true)
        }
    }
}
