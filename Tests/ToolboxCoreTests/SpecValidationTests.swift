import Foundation
import KubeModels
import Testing
import ToolboxCore

@Suite("Request-body validation against the contract's constraints")
struct SpecValidationTests {
    static let cluster = """
        {"taskManagers":1,"runtime":{"image":"flink:2.3.0"},"jobManager":{"serviceMode":"ClusterIP","volumes":[{"name":"v"}]},
         "taskManager":{"taskSlots":2},"supervisor":{"image":"flink-k8s-toolbox:1.5.0"}}
        """
    static let job = """
        {"jobParallelism":1,"bootstrap":{"image":"jobs:1","className":"C","jarPath":"/jobs/x.jar"},
         "savepoint":{"savepointMode":"Automatic","savepointInterval":0,"savepointTargetPath":"file:///tmp/sp","savepointPath":null},
         "restart":{"restartPolicy":"Never"}}
        """

    private func violation(_ schema: BodySchema, _ json: String) throws -> String? {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        return SpecValidation.violation(of: schema, in: value)?.description
    }

    @Test("valid specs pass, with nulls only where the contract allows them and unknown fields ignored")
    func validSpecs() throws {
        #expect(try violation(ContractSchemas.clusterSpec, Self.cluster) == nil)
        #expect(try violation(ContractSchemas.clusterSpec, Self.cluster.replacingOccurrences(of: #""taskManagers":1"#, with: #""taskManagers":null"#)) == nil)
        #expect(try violation(ContractSchemas.jobSpec, Self.job) == nil)
        #expect(try violation(ContractSchemas.deploymentSpec, #"{"cluster":\#(Self.cluster),"jobs":[{"name":"a-1","spec":\#(Self.job)}],"x":1}"#) == nil)
        #expect(try violation(ContractSchemas.startStop, "{}") == nil)
    }

    @Test(
        "each declared constraint is enforced and the message names the field",
        arguments: [
            (#""image":"flink:2.3.0""#, #""image":"""#, "field 'runtime.image' must not be empty"),
            (#""taskSlots":2"#, #""taskSlots":0"#, "field 'taskManager.taskSlots' must be 1 or more"),
            (#""taskSlots":2"#, #""taskSlots":2.5"#, "field 'taskManager.taskSlots' must be a 32-bit integer"),
            (#""taskSlots":2"#, #""taskSlots":4294967296"#, "field 'taskManager.taskSlots' must be a 32-bit integer"),
            (#""serviceMode":"ClusterIP""#, #""serviceMode":"LoadBalancer""#, "field 'jobManager.serviceMode' must be one of ClusterIP, NodePort"),
            (#""volumes":[{"name":"v"}]"#, #""volumes":[3]"#, "field 'jobManager.volumes[0]' must be an object"),
            (#""volumes":[{"name":"v"}]"#, #""securityContext":null"#, "field 'jobManager.securityContext' must not be null"),
            (#","supervisor":{"image":"flink-k8s-toolbox:1.5.0"}"#, "", "field 'supervisor' is required"),
            (#""image":"flink:2.3.0""#, #""image":"\#(String(repeating: "x", count: 4097))""#, "field 'runtime.image' must have at most 4096 characters"),
            (
                #""serviceMode":"ClusterIP""#, #""serviceMode":"ClusterIP","serviceAccount":"Flink_Admin""#,
                "field 'jobManager.serviceAccount' must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
            ),
            (
                #""taskSlots":2"#, #""taskSlots":2,"args":[\#(Array(repeating: "\"a\"", count: 257).joined(separator: ","))]"#,
                "field 'taskManager.args' must have at most 256 items"
            ),
            (
                #""taskSlots":2"#, #""taskSlots":2,"annotations":{\#((0...64).map { "\"k\($0)\":\"v\"" }.joined(separator: ","))}"#,
                "field 'taskManager.annotations' must have at most 64 entries"
            ),
        ])
    func clusterConstraints(valid: String, invalid: String, message: String) throws {
        #expect(try violation(ContractSchemas.clusterSpec, Self.cluster.replacingOccurrences(of: valid, with: invalid)) == message)
    }

    @Test("job names in a deployment follow the DNS-label pattern; nested job specs are checked")
    func deploymentJobs() throws {
        let deployment = { (name: String, job: String) in #"{"cluster":\#(Self.cluster),"jobs":[{"name":"\#(name)","spec":\#(job)}]}"# }
        #expect(
            try violation(ContractSchemas.deploymentSpec, deployment("Bad_Name", Self.job))
                == "field 'jobs[0].name' must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        #expect(
            try violation(
                ContractSchemas.deploymentSpec,
                deployment("a", Self.job.replacingOccurrences(of: #""restartPolicy":"Never""#, with: #""restartPolicy":"Never","restartTimeout":null"#)))
                == "field 'jobs[0].spec.restart.restartTimeout' must not be null")
        let savepoint = { (fields: String) in
            Self.job.replacingOccurrences(of: #""savepointPath":null"#, with: #""savepointPath":null,\#(fields)"#)
        }
        #expect(try violation(ContractSchemas.jobSpec, savepoint(#""upgradeMode":"last-state","maxAge":null,"allowNonRestoredState":true"#)) == nil)
        #expect(try violation(ContractSchemas.jobSpec, savepoint(#""upgradeMode":null"#)) == "field 'savepoint.upgradeMode' must not be null")
        #expect(
            try violation(ContractSchemas.jobSpec, savepoint(#""upgradeMode":"latest""#))
                == "field 'savepoint.upgradeMode' must be one of savepoint, last-state, stateless")
        #expect(try violation(ContractSchemas.jobSpec, savepoint(#""maxAge":-1"#)) == "field 'savepoint.maxAge' must be 0 or more")
        #expect(try violation(ContractSchemas.jobScale, #"{"parallelism":-1}"#) == "field 'parallelism' must be 0 or more")
        #expect(try violation(ContractSchemas.startStop, #"{"withoutSavepoint":null}"#) == "field 'withoutSavepoint' must not be null")
        #expect(try violation(ContractSchemas.startStop, "[]") == "body must be an object")
    }
}
