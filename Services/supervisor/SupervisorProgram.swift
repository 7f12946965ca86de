import ServiceKit

/// The `supervisor` program, for its executable and the all-in-one `flink-k8s-toolbox` one.
public enum SupervisorProgram {
    /// Swift Concurrency's jobs run on NIO's event-loop threads, as in the operator (a supervisor's polls, API and
    /// watches take no thread hop); then `supervisor run`.
    /// `arguments` (without the executable's name) default to the process's own.
    public static func main(arguments: [String]? = nil) async {
        await CommandMain.run(SupervisorCommand.self, leaf: SupervisorCommand.Run.self, arguments: arguments)
    }
}
