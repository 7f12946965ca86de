import ArgumentParser
import ToolboxAPI

/// `flinkctl`: the command-line client of the operator's control plane (section 14 of the behaviour reference).
struct Flinkctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flinkctl",
        abstract: "Command-line client of the Flink Kubernetes Toolbox operator.",
        discussion: """
            The client commands talk to the operator's control plane (--host, --port; mutual TLS with --cert, --key and \
            --ca-cert, or $FLINKCTL_CERT, $FLINKCTL_KEY and $FLINKCTL_CA_CERT). By default the operator's answer is printed \
            as sent, {"status":"OK","output":"<JSON text>"}; --output json, yaml or table show the decoded output for people; --output name prints kind/name of each object \
            and --output jsonpath=TEMPLATE applies a kubectl JSONPath template. Connection options left out come from the \
            current context of the config file (flinkctl config --help).

            operator run, supervisor run and bootstrap run start the server processes, as in the original: each runs the \
            executable of that name beside flinkctl with the options given.

            Exit codes: 0 success, 1 the operator answered an error or could not be reached, 3 --wait timed out, 64 usage error.

            Shell completion: flinkctl --generate-completion-script bash|zsh|fish, for example
              flinkctl --generate-completion-script bash > /etc/bash_completion.d/flinkctl

            Examples:
              flinkctl config set-context local --port 4444 --cert client.pem \\
                --key client.key --ca-cert ca.pem
              flinkctl config use-context local
              flinkctl deployment create --deployment-name demo -f demo.yaml --wait
              flinkctl deployments list -o name
              flinkctl clusters list -o jsonpath='{.items[*].metadata.name}'
            """,
        version: ToolboxContract.version,
        subcommands: [
            DeploymentsCommand.self, DeploymentCommand.self, ClustersCommand.self, ClusterCommand.self,
            JobsCommand.self, JobCommand.self, SavepointCommand.self, JobManagerCommand.self,
            TaskManagersCommand.self, TaskManagerCommand.self, ConfigCommand.self,
            OperatorServerCommand.self, SupervisorServerCommand.self, BootstrapServerCommand.self,
        ]
    )
}
