import ToolboxAPI

/// The six lifecycle states a cluster and a job share (section 6).
public typealias LifecycleState = Components.Schemas.SupervisorStatus

/// One edge of a state diagram: the state a rule may move to and why.
public struct StateTransition: Sendable, Hashable {
    /// The state the edge starts from.
    public var from: LifecycleState
    /// The state the edge leads to (may equal `from` for an edge that waits visibly).
    public var to: LifecycleState
    /// Why the edge is taken (the diagram label).
    public var label: String

    /// An edge `from → to` taken for `label`.
    public init(_ from: LifecycleState, _ to: LifecycleState, _ label: String) {
        self.from = from
        self.to = to
        self.label = label
    }
}

/// The rules of one state: the edges it may take. Each state file declares its edges next to its decision
/// function, so the transitions are visible where they are made; a test checks every decision against them.
public protocol StateRules {
    /// The state these rules govern.
    static var state: LifecycleState { get }
    /// Every edge leaving this state.
    static var transitions: [StateTransition] { get }
}

/// Renders state diagrams (Graphviz DOT) from the state rules.
public enum StateDiagram {
    /// A DOT digraph named `name` with one edge per transition, in the given order.
    public static func dot(name: String, transitions: [StateTransition]) -> String {
        var lines = ["digraph \(name) {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for edge in transitions {
            let label = edge.label.replacingOccurrences(of: "\"", with: "\\\"")
            lines.append("  \(edge.from.rawValue.uppercased()) -> \(edge.to.rawValue.uppercased()) [label=\"\(label)\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
