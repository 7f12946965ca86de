import ServiceKit

// Swift Concurrency's jobs run on NIO's event-loop threads, as in the operator (a supervisor's polls, API and
// watches take no thread hop); then `supervisor run`.
await CommandMain.run(SupervisorCommand.self, leaf: SupervisorCommand.Run.self)
