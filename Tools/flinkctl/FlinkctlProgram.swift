/// The `flinkctl` program, for its executable and the all-in-one `flink-k8s-toolbox` one.
public enum FlinkctlProgram {
    /// Parses the command line and runs the command; `arguments` (without the executable's name) default to the
    /// process's own.
    public static func main(arguments: [String]? = nil) async {
        await Flinkctl.main(arguments)
    }
}
