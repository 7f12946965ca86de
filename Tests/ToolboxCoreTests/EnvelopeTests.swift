import Foundation
import Testing
import ToolboxAPI
import ToolboxCore

@Suite("Response envelope")
struct EnvelopeTests {
    @Test("OK envelope carries its output as JSON text, as the original did")
    func okEnvelopeShape() throws {
        let envelope = try ResponseEnvelope.ok(["demo", "other"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder.toolbox.encode(envelope)) as? [String: Any]
        #expect(json?["status"] as? String == "OK")
        let output = try #require(json?["output"] as? String)
        #expect(output == #"["demo","other"]"#)
        #expect(try ResponseEnvelope.decodeOutput([String].self, from: envelope) == ["demo", "other"])
    }

    @Test("A command's envelope has no output key")
    func doneEnvelopeOmitsOutput() throws {
        let text = String(decoding: try JSONEncoder.toolbox.encode(ResponseEnvelope.done), as: UTF8.self)
        #expect(text == #"{"status":"OK"}"#)
        #expect(throws: EnvelopeError.missingOutput) { try ResponseEnvelope.decodeOutput([String].self, from: ResponseEnvelope.done) }
    }

    @Test("A status object round-trips through output, enums by their contract spelling")
    func statusRoundTrip() throws {
        let status = Components.Schemas.FlinkClusterStatus(
            resourceStatus: .updated, supervisorStatus: .started, clusterHealth: .healthy, taskManagers: 2, totalTaskSlots: 4
        )
        let envelope = try ResponseEnvelope.ok(status)
        #expect(envelope.output?.contains(#""supervisorStatus":"Started""#) == true)
        #expect(envelope.output?.contains(#""clusterHealth":"HEALTHY""#) == true)
        #expect(try ResponseEnvelope.decodeOutput(Components.Schemas.FlinkClusterStatus.self, from: envelope) == status)
    }

    @Test("An error envelope has status FAILURE, a message and a typed reason")
    func errorEnvelopeShape() throws {
        let error = Components.Schemas.ErrorEnvelope(status: .failure, error: "Cluster not found", reason: .notFound)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder.toolbox.encode(error)) as? [String: String]
        #expect(json == ["status": "FAILURE", "error": "Cluster not found", "reason": "NotFound"])
    }
}

@Suite("Resource names")
struct ResourceNamesTests {
    @Test("Names of created objects follow the original")
    func names() {
        #expect(ResourceNames.flinkJob(cluster: "demo", job: "computeaverage") == "demo-computeaverage")
        #expect(ResourceNames.jobManagerService(cluster: "demo") == "jobmanager-demo")
        #expect(ResourceNames.supervisorDeployment(cluster: "demo") == "supervisor-demo")
        #expect(ResourceNames.bootstrapJob(cluster: "demo", job: "a") == "bootstrap-demo-a")
        #expect(ResourceNames.labelSelector(cluster: "demo") == "clusterName=demo,owner=flink-operator,component=flink")
    }

    @Test(
        "DNS-1123 labels",
        arguments: [
            ("demo", true), ("a-b", true), ("a1", true), ("", false), ("-a", false), ("a-", false), ("A", false),
            ("a_b", false), (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false),
        ])
    func validNames(name: String, valid: Bool) {
        #expect(ResourceNames.isValidName(name) == valid)
    }
}
