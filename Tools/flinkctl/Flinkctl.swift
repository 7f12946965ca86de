import ArgumentParser
import ToolboxAPI

/// `flinkctl`: the command-line client of the operator's control plane (section 14 of the behaviour reference).
@main
struct Flinkctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flinkctl",
        abstract: "Command-line client of the Flink Kubernetes Toolbox operator.",
        discussion: """
            The client commands talk to the operator's control plane (--host, --port; mutual TLS with --cert, --key and \
            --ca-cert, or $FLINKCTL_CERT, $FLINKCTL_KEY and $FLINKCTL_CA_CERT). By default the operator's answer is printed \
            as sent, {"status":"OK","output":"<JSON text>"}; --output json, yaml or table show the decoded output for people.

            operator run, supervisor run and bootstrap run start the server processes, as in the original: each runs the \
            executable of that name beside flinkctl with the options given.

            Exit codes: 0 success, 1 the operator answered an error or could not be reached, 3 --wait timed out, 64 usage error.

            Shell completion: flinkctl --generate-completion-script bash|zsh|fish, for example
              flinkctl --generate-completion-script bash > /etc/bash_completion.d/flinkctl
            """,
        version: ToolboxContract.version,
        subcommands: [
            DeploymentsCommand.self, DeploymentCommand.self, ClustersCommand.self, ClusterCommand.self,
            JobsCommand.self, JobCommand.self, SavepointCommand.self, JobManagerCommand.self,
            TaskManagersCommand.self, TaskManagerCommand.self,
            OperatorServerCommand.self, SupervisorServerCommand.self, BootstrapServerCommand.self,
        ]
    )
}
