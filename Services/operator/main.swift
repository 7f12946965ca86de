import ServiceKit

// Swift Concurrency's jobs run on NIO's event-loop threads: a task that sends a request or takes a watch event takes
// no thread hop between the cooperative pool and an event loop (thread switches were a tenth of the operator's CPU
// while it converged 1,000 FlinkDeployments); then `operator run`.
await CommandMain.run(OperatorCommand.self, leaf: OperatorCommand.Run.self)
