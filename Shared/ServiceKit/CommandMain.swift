import ArgumentParser
import Foundation

/// The top-level code of the toolbox's servers (their `main.swift`).
public enum CommandMain {
    /// Moves Swift Concurrency onto NIO's event loops (`GlobalExecutor`), then does what AsyncParsableCommand's
    /// `main()` does: parses `Root` and runs the command, awaiting `Leaf.run()` when the command is a `Leaf` (from
    /// top-level code, `main()` and `run()` on an existential resolve to ParsableCommand's synchronous defaults, which
    /// only print the help). Call it first thing from the main thread. `arguments` (without the executable's name)
    /// default to the process's own.
    public static func run<Root: ParsableCommand, Leaf: AsyncParsableCommand>(
        _ root: Root.Type, leaf: Leaf.Type, arguments: [String]? = nil
    ) async {
        if !GlobalExecutor.installNIOEventLoops() {
            FileHandle.standardError.write(Data("warning: Swift Concurrency stays on Dispatch's threads: its global-executor hook is already set\n".utf8))
        }
        do {
            var command = try Root.parseAsRoot(arguments)
            if var leaf = command as? Leaf {
                try await leaf.run()
            } else {
                try command.run()
            }
        } catch {
            Root.exit(withError: error)
        }
    }
}
