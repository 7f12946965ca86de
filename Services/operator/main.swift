import ArgumentParser
import NIOCore
import NIOPosix

// Swift Concurrency's jobs run on NIO's event-loop threads: a task that sends a request or takes a watch event no
// longer hops between the cooperative pool and an event loop (thread switches were a tenth of the operator's CPU while
// it converged 1,000 FlinkDeployments). Installed from the main thread, before the first task.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

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
