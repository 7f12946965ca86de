/// The `bootstrap` program, for its executable and the all-in-one `flink-k8s-toolbox` one.
public enum BootstrapProgram {
    /// Parses the command line and runs the bootstrap (`bootstrap run` by default); `arguments` (without the
    /// executable's name) default to the process's own.
    public static func main(arguments: [String]? = nil) async {
        await BootstrapCommand.main(arguments)
    }
}
