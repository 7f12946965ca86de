import KubeModels
import Synchronization

/// Everything the supervisor did to Kubernetes and Flink, in one order, so a test can say what came first.
final class Journal: Sendable {
    /// One write or call: a line for `#expect`, and the written object (nil for calls and deletes).
    struct Entry: Sendable {
        var line: String
        var object: JSONValue?
    }

    private let entries = Mutex<[Entry]>([])

    func append(_ line: String, _ object: JSONValue? = nil) { entries.withLock { $0.append(Entry(line: line, object: object)) } }

    /// Every entry so far.
    var all: [Entry] { entries.withLock { $0 } }
    /// Every line so far.
    var lines: [String] { all.map(\.line) }
    /// How many entries there are (a mark to read only what came after).
    var count: Int { entries.withLock { $0.count } }
    /// The lines from `mark` on.
    func lines(since mark: Int) -> [String] { Array(lines.dropFirst(mark)) }
}
