import ServiceKit

/// The `operator` program, for its executable and the all-in-one `flink-k8s-toolbox` one.
public enum OperatorProgram {
    /// Swift Concurrency's jobs run on NIO's event-loop threads: a task that sends a request or takes a watch event
    /// takes no thread hop between the cooperative pool and an event loop (thread switches were a tenth of the
    /// operator's CPU while it converged 1,000 FlinkDeployments); then `operator run`.
    /// `arguments` (without the executable's name) default to the process's own.
    public static func main(arguments: [String]? = nil) async {
        await CommandMain.run(OperatorCommand.self, leaf: OperatorCommand.Run.self, arguments: arguments)
    }
}
