import ArgumentParser
import Foundation
import ServiceKit

// Swift Concurrency's jobs run on NIO's event-loop threads: a task that sends a request or takes a watch event no
// longer hops between the cooperative pool and an event loop (thread switches were a tenth of the operator's CPU while
// it converged 1,000 FlinkDeployments). Installed from the main thread, before the first task; through the linker's
// address of the hook, since NIO's own installer (dlsym) fails in the static builds the images and benches use.
if !GlobalExecutor.installNIOEventLoops() {
    FileHandle.standardError.write(Data("warning: Swift Concurrency stays on Dispatch's threads: its global-executor hook is already set\n".utf8))
}

// What AsyncParsableCommand's `main()` does, with the async `run()` of `operator run` named on its own type: from
// top-level code, both `OperatorCommand.main()` and `run()` on an existential resolve to ParsableCommand's
// synchronous defaults, which only print the help.
do {
    var command = try OperatorCommand.parseAsRoot()
    if let run = command as? OperatorCommand.Run {
        try await run.run()
    } else {
        try command.run()
    }
} catch {
    OperatorCommand.exit(withError: error)
}
