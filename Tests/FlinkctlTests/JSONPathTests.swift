import Foundation
import Testing

@testable import Flinkctl

/// A kubectl-shaped list of two FlinkClusters, as `-o jsonpath` sees `clusters list`.
private let clusters = try! JSONDecoder().decode(
    JSONTree.self,
    from: Data(
        """
        {"kind":"List","items":[
          {"kind":"FlinkCluster","metadata":{"name":"demo","annotations":{"operator.nextbreakpoint.com/requested-action":"STOP"}},
           "status":{"supervisorStatus":"Started","taskManagers":2,"labels":["a","b"]}},
          {"kind":"FlinkCluster","metadata":{"name":"other"},"status":{"supervisorStatus":"Stopped","taskManagers":0,"labels":[]}}]}
        """.utf8))

@Suite("JSONPath templates (-o jsonpath)")
struct JSONPathTests {
    @Test(
        "templates render as kubectl renders them",
        arguments: [
            ("{.kind}", "List"),
            ("{.items[0].metadata.name}", "demo"),
            ("{.items[*].metadata.name}", "demo other"),
            ("{.items[-1].status.supervisorStatus}", "Stopped"),
            ("{$.items[1]['metadata'].name}", "other"),
            ("{.items[0].status.taskManagers}", "2"),
            ("{.items[0].status.labels}", #"["a","b"]"#),
            ("{.items[0].status.labels[*]}", "a b"),
            (#"{.items[0].metadata.annotations.operator\.nextbreakpoint\.com/requested-action}"#, "STOP"),
            ("names: {.items[*].metadata.name}!", "names: demo other!"),
            (#"{range .items[*]}{.metadata.name}{"\t"}{.status.supervisorStatus}{"\n"}{end}"#, "demo\tStarted\nother\tStopped\n"),
            ("{range .items[*]}[{range .status.labels[*]}{@}{end}]{end}", "[ab][]"),
            ("{.items[0].metadata.missing}", ""),
            ("{.items[7].metadata.name}", ""),
            ("{.items[0].status.*}", #"["a","b"] Started 2"#),
            ("no braces at all", "no braces at all"),
        ])
    func renders(template: String, expected: String) throws {
        #expect(try JSONPath(template).render(clusters) == expected)
    }

    @Test(
        "bad templates are refused with what is wrong and where",
        arguments: [
            ("{.metadata.name", "unclosed { at character 1"),
            ("{range .items[*]}{.metadata.name}", "{range} without {end} at character 1"),
            ("x{end}", "{end} without {range} at character 2"),
            ("{metadata.name}", "a path starts with . or ["),
            ("{.items[}", "expected an index, * or a quoted name after ["),
            ("{.items[0}", "unclosed ["),
            ("{..name}", "recursive descent (..) is not supported"),
            ("{.items[?(@.x)]}", "filters [?(...)] are not supported"),
            (#"{"\n}"#, "unterminated string"),
            ("{}", "empty expression"),
            ("{.a b}", #"unexpected "b""#),
        ])
    func refuses(template: String, message: String) {
        #expect {
            _ = try JSONPath(template)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("-o name and the kubectl-shaped documents of each kind of answer")
    func subjects() async throws {
        let names = JSONTree.array([.string("a"), .string("b")])
        #expect(Subject.names(kind: "FlinkJob", prefix: "demo-").names(in: names) == ["flinkjob/demo-a", "flinkjob/demo-b"])
        #expect(Subject.status(kind: "FlinkCluster", name: "demo").names(in: nil) == ["flinkcluster/demo"])
        let taskManagers = JSONTree.array([.object(["id": .string("tm-1"), "freeSlots": .int(2)])])
        #expect(Subject.objects(kind: "TaskManager", key: "id").names(in: taskManagers) == ["taskmanager/tm-1"])

        let list = try await Subject.names(kind: "FlinkJob", prefix: "demo-").document(of: names) { name in
            name == "a" ? .object(["jobStatus": .string("RUNNING")]) : nil
        }
        let template = try JSONPath(#"{range .items[*]}{.kind}/{.metadata.name}={.status.jobStatus}{"\n"}{end}"#)
        #expect(template.render(list) == "FlinkJob/demo-a=RUNNING\nFlinkJob/demo-b=\n")
        let status = try await Subject.status(kind: "FlinkCluster", name: "demo").document(of: .object(["taskManagers": .int(1)]), status: nil)
        #expect(try JSONPath("{.metadata.name} {.status.taskManagers}").render(status) == "demo 1")
        let objects = try await Subject.objects(kind: "TaskManager", key: "id").document(of: taskManagers, status: nil)
        #expect(try JSONPath("{.items[0].metadata.name} {.items[0].freeSlots}").render(objects) == "tm-1 2")
    }
}
