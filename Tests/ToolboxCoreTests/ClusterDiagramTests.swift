import Foundation
import Testing
import ToolboxCore

/// The committed `docs/flink-cluster.dot` is generated from the state rules. Run with `UPDATE_DIAGRAMS=1` to
/// write it after changing an edge.
@Suite("Cluster state diagram")
struct ClusterDiagramTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("docs/flink-cluster.dot matches the code")
    func diagramIsCurrent() throws {
        let rendered = StateDiagram.dot(name: "FlinkCluster", transitions: ClusterStateMachine.transitions)
        let file = Self.repositoryRoot.appendingPathComponent("docs/flink-cluster.dot")
        if ProcessInfo.processInfo.environment["UPDATE_DIAGRAMS"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try rendered.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(committed == rendered, "docs/flink-cluster.dot is out of date: run the tests with UPDATE_DIAGRAMS=1")
    }
}
