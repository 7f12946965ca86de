import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `flinkctl operator run ...`: the original's way to start the operator. Runs the `operator` executable beside
/// flinkctl with the same arguments, so one image with every executable serves as operator, supervisor and bootstrap.
struct OperatorServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Run the operator process (the operator executable beside flinkctl).",
        discussion: """
            Examples:
              flinkctl operator run --namespace flink-jobs --tls-cert server.pem \\
                --tls-key server.key --tls-ca ca.pem
            """,
        subcommands: [ServerRun<OperatorExecutable>.self])
}

/// `flinkctl supervisor run ...`: the supervisor of one cluster, as `operator run` does for the operator.
struct SupervisorServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor", abstract: "Run the supervisor process of one cluster (the supervisor executable beside flinkctl).",
        discussion: """
            Examples:
              flinkctl supervisor run --namespace flink-jobs --cluster-name demo
            """,
        subcommands: [ServerRun<SupervisorExecutable>.self])
}

/// `flinkctl bootstrap run ...`: the bootstrap of one job, as `operator run` does for the operator.
struct BootstrapServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap", abstract: "Run the bootstrap process of one job (the bootstrap executable beside flinkctl).",
        discussion: """
            Examples:
              flinkctl bootstrap run --namespace flink-jobs --cluster-name demo \\
                --job-name computeaverage --class-name com.example.Main \\
                --jar-path /flink-jobs.jar
            """,
        subcommands: [ServerRun<BootstrapExecutable>.self])
}

/// One of the toolbox's server executables.
protocol ServerExecutable {
    /// Its file name, in the directory of flinkctl.
    static var name: String { get }
}

enum OperatorExecutable: ServerExecutable { static let name = "operator" }
enum SupervisorExecutable: ServerExecutable { static let name = "supervisor" }
enum BootstrapExecutable: ServerExecutable { static let name = "bootstrap" }

/// `run [arguments...]`: replaces flinkctl with `<directory of flinkctl>/<executable> run [arguments...]`, so the
/// server runs as the container's process itself (it receives SIGTERM and its exit code is the container's).
struct ServerRun<Executable: ServerExecutable>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "run", abstract: "Run the \(Executable.name) with these options (see `flinkctl \(Executable.name) run --help`).",
            discussion: """
                Examples:
                  flinkctl \(Executable.name) run --help
                """)
    }

    @Argument(parsing: .captureForPassthrough, help: "Options of the \(Executable.name) process, passed on as they are.")
    var arguments: [String] = []

    func run() throws {
        let path = try Self.sibling()
        let argv = [path, "run"] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        execv(path, &cArguments)
        let reason = String(cString: strerror(errno))
        cArguments.forEach { free($0) }
        throw FlinkctlError.setup("cannot run \(path): \(reason)")
    }

    /// The executable's path beside flinkctl's own (symbolic links resolved).
    static func sibling() throws -> String {
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let executable = own.path == "/proc/self/exe" ? URL(fileURLWithPath: CommandLine.arguments[0]) : own
        let path = executable.deletingLastPathComponent().appendingPathComponent(Executable.name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw FlinkctlError.setup(
                "flinkctl \(Executable.name) run needs the \(Executable.name) executable beside flinkctl (\(path) is missing); "
                    + "the all-in-one image flink-k8s-toolbox-flinkctl (deploy/docker/flinkctl.Dockerfile) has every executable")
        }
        return path
    }
}
