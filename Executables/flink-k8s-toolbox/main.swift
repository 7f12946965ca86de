import Bootstrap
import Flinkctl
import Operator
import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

// The all-in-one executable of the flinkctl image: one binary holds flinkctl, operator, supervisor and bootstrap
// (they share the dependency tree and Foundation's ICU data, so the image carries them once), and runs the one named by
// the link it is called through, as busybox does: /usr/local/bin/supervisor -> flink-k8s-toolbox runs the supervisor.
// Called by its own name, the first argument names the program: `flink-k8s-toolbox operator run ...`.

/// The programs, by the name of the executable each replaces; each takes its arguments (nil: the process's own).
let programs: [String: ([String]?) async -> Void] = [
    "flinkctl": { await FlinkctlProgram.main(arguments: $0) },
    "operator": { await OperatorProgram.main(arguments: $0) },
    "supervisor": { await SupervisorProgram.main(arguments: $0) },
    "bootstrap": { await BootstrapProgram.main(arguments: $0) },
]

let arguments = CommandLine.arguments
if let program = programs[String(arguments.first?.split(separator: "/").last ?? "")] {
    await program(nil)
} else if arguments.count > 1, let program = programs[arguments[1]] {
    await program(Array(arguments.dropFirst(2)))
} else {
    let usage = "usage: flink-k8s-toolbox flinkctl|operator|supervisor|bootstrap [arguments...], or run it through a link named after one of them\n"
    _ = usage.withCString { write(2, $0, strlen($0)) }
    exit(64)
}
