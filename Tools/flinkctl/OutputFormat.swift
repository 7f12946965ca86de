import ArgumentParser
import Foundation

/// How an answer is shown.
enum OutputFormat: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    /// The operator's envelope exactly as sent: `{"status":"OK","output":"<JSON text>"}` (the original's output).
    case envelope
    /// The decoded `output`, pretty-printed JSON.
    case json
    /// The decoded `output` as YAML.
    case yaml
    /// Aligned columns for people.
    case table
    /// `<kind>/<name>` of each object, one a line, as `kubectl -o name`.
    case name
    /// A kubectl JSONPath template applied to the answer seen as Kubernetes objects.
    case jsonpath(String)

    init?(argument: String) {
        if argument.hasPrefix("jsonpath=") {
            self = .jsonpath(String(argument.dropFirst("jsonpath=".count)))
            return
        }
        switch argument {
        case "envelope": self = .envelope
        case "json": self = .json
        case "yaml": self = .yaml
        case "table": self = .table
        case "name": self = .name
        default: return nil
        }
    }

    static var allValueStrings: [String] { ["envelope", "json", "yaml", "table", "name", "jsonpath="] }

    var description: String {
        switch self {
        case .envelope: "envelope"
        case .json: "json"
        case .yaml: "yaml"
        case .table: "table"
        case .name: "name"
        case .jsonpath(let template): "jsonpath=\(template)"
        }
    }
}

/// Extra table columns of a name list, read from the status of each named resource.
struct ListColumns {
    /// Column headers after NAME.
    let headers: [String]
    /// Status fields shown in those columns, in the same order.
    let fields: [String]
    /// The status of the named resource; nil when it is gone.
    let status: (String) async throws -> JSONTree?
}

/// The `--output` option shared by every client command.
struct OutputOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Output format: envelope (the operator's answer as sent), json, yaml, table, name or jsonpath=TEMPLATE.",
            valueName: "format"))
    var output: OutputFormat = .envelope

    func validate() throws {
        guard case .jsonpath(let template) = output else { return }
        do {
            _ = try JSONPath(template)
        } catch {
            throw ValidationError("invalid jsonpath template \"\(template)\": \(error)")
        }
    }

    /// Prints `reply` in the chosen format, or throws the error it carries.
    func show(_ reply: Reply, subject: Subject, columns: ListColumns? = nil) async throws {
        let envelope = try reply.envelope()
        let status = JSONTree.object(["status": .string(envelope.status.rawValue)])
        switch output {
        case .envelope:
            print(reply.text)
        case .json:
            print(try (reply.output() ?? status).prettyJSON())
        case .yaml:
            print(try (reply.output() ?? status).yaml(), terminator: "")
        case .table:
            guard let tree = try reply.output() else {
                print(envelope.status.rawValue)
                return
            }
            if let columns, case .array(let items) = tree {
                let names = items.map(\.text)
                var rows: [[String]] = []
                for name in names {
                    let status = try? await columns.status(name)
                    rows.append([name] + columns.fields.map { status?[$0]?.text ?? "" })
                }
                print(Table.render(headers: ["NAME"] + columns.headers, rows: rows), terminator: "")
            } else {
                print(Table.render(tree), terminator: "")
            }
        case .name:
            for name in subject.names(in: try reply.output()) { print(name) }
        case .jsonpath(let template):
            let document = try await subject.document(of: try reply.output(), status: columns?.status)
            print(try JSONPath(template).render(document), terminator: "")
        }
    }
}

extension ListColumns {
    /// Columns from a (headers, fields) pair of `StatusColumns`.
    init(_ columns: (headers: [String], fields: [String]), status: @escaping (String) async throws -> JSONTree?) {
        self.init(headers: columns.headers, fields: columns.fields, status: status)
    }
}
