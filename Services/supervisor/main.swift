import ArgumentParser
import Foundation
import ServiceKit

// Swift Concurrency's jobs run on NIO's event-loop threads, as in the operator: a supervisor's polls, its API and its
// watches then take no thread hop between the cooperative pool and an event loop. Installed from the main thread,
// before the first task.
if !GlobalExecutor.installNIOEventLoops() {
    FileHandle.standardError.write(Data("warning: Swift Concurrency stays on Dispatch's threads: its global-executor hook is already set\n".utf8))
}

// What AsyncParsableCommand's `main()` does, with the async `run()` of `supervisor run` named on its own type (from
// top-level code, `main()` and `run()` on an existential resolve to ParsableCommand's synchronous defaults).
do {
    var command = try SupervisorCommand.parseAsRoot()
    if let run = command as? SupervisorCommand.Run {
        try await run.run()
    } else {
        try command.run()
    }
} catch {
    SupervisorCommand.exit(withError: error)
}
