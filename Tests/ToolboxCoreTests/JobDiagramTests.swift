import Foundation
import Testing
import ToolboxCore

@Suite("JobStateMachine: diagram")
struct JobStateMachineDiagramTests {
    /// `docs/flink-job.dot`, found from this file's path (Tests/ToolboxCoreTests/ → repository root).
    static let diagramURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/flink-job.dot")

    @Test("docs/flink-job.dot is rendered from the code (UPDATE_DIAGRAMS=1 rewrites it)")
    func committedDiagramMatches() throws {
        let rendered = StateDiagram.dot(name: "FlinkJob", transitions: JobStateMachine.transitions)
        if ProcessInfo.processInfo.environment["UPDATE_DIAGRAMS"] == "1" {
            try FileManager.default.createDirectory(at: Self.diagramURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try rendered.write(to: Self.diagramURL, atomically: true, encoding: .utf8)
        }
        let committed = try? String(contentsOf: Self.diagramURL, encoding: .utf8)
        #expect(committed == rendered, "docs/flink-job.dot is stale: run the tests with UPDATE_DIAGRAMS=1")
    }

    @Test("every state appears in the diagram")
    func everyStateDrawn() {
        let rendered = StateDiagram.dot(name: "FlinkJob", transitions: JobStateMachine.transitions)
        for state in LifecycleState.allCases where state != .terminated {
            #expect(rendered.contains("\(state.rawValue.uppercased()) ->"))
        }
        #expect(rendered.contains("-> TERMINATED"))
    }
}
