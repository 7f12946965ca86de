import ArgumentParser
import ToolboxAPI

/// `flinkctl deployments list`.
struct DeploymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployments", abstract: "List FlinkDeployments.",
        discussion: """
            Examples:
              flinkctl deployments list -o table
              flinkctl deployments list -o name
            """,
        subcommands: [List.self])

    /// Names of the FlinkDeployments.
    struct List: ControlPlaneCommand {
        var subject: Subject { .names(kind: "FlinkDeployment") }
        static let configuration = CommandConfiguration(
            abstract: "List the FlinkDeployments of a namespace (--namespace, by default the operator's own).",
            discussion: """
                Examples:
                  flinkctl deployments list -o table
                  flinkctl deployments list -o name
                  flinkctl deployments list \\
                    -o jsonpath='{range .items[*]}{.metadata.name}{"\\n"}{end}'
                """
        )
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send(
                { try await $0.listDeployments() },
                columns: { session in
                    ListColumns(StatusColumns.deployment) { name in
                        try await session.output { try await $0.getDeploymentStatus(path: .init(deploymentName: name)) }
                    }
                })
        }
    }
}

/// `flinkctl deployment create|update|delete|status`.
struct DeploymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployment", abstract: "Create, update, delete or inspect one FlinkDeployment.",
        discussion: """
            Examples:
              flinkctl deployment create -f demo.yaml --deployment-name demo --wait
              flinkctl deployment status --deployment-name demo -o yaml
            """,
        subcommands: [Create.self, Update.self, Delete.self, Status.self]
    )

    /// `--deployment-name`.
    struct Name: ParsableArguments {
        @Option(help: "Name of the FlinkDeployment.")
        var deploymentName: String
    }

    /// `-f`/`--filename`, or the original's `--deployment-spec`.
    struct Spec: ParsableArguments {
        @Option(
            name: [.customShort("f"), .customLong("filename")],
            help: ArgumentHelp("JSON or YAML file with the FlinkDeployment spec (or a whole FlinkDeployment); - reads standard input.", valueName: "file"))
        var filename: String?

        @Option(help: ArgumentHelp("The same as -f (the original's option).", valueName: "file"))
        var deploymentSpec: String?

        func validate() throws {
            _ = try SpecFile.path(filename, deploymentSpec, legacy: "--deployment-spec")
        }

        /// The spec in the file.
        func load() throws -> Components.Schemas.FlinkDeploymentSpec {
            try SpecFile.load(Components.Schemas.FlinkDeploymentSpec.self, from: SpecFile.path(filename, deploymentSpec, legacy: "--deployment-spec"))
        }
    }

    /// Creates a FlinkDeployment.
    struct Create: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkDeployment", name: name.deploymentName) }
        static let configuration = CommandConfiguration(
            abstract: "Create a FlinkDeployment from a spec file.",
            discussion: """
                With --wait, waits until the operator has split it into its cluster and jobs (resourceStatus Updated).

                Examples:
                  flinkctl deployment create --deployment-name demo -f demo.yaml --wait
                  kubectl get flinkdeployment demo -o json | flinkctl deployment create \\
                    --deployment-name demo2 -f -
                """
        )
        @OptionGroup var name: Name
        @OptionGroup var spec: Spec
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let spec = try spec.load()
            try await send(
                { try await $0.createDeployment(path: .init(deploymentName: name.deploymentName), body: .json(spec)) },
                then: {
                    try await wait.until(.deployment(name.deploymentName), session: $0)
                })
        }
    }

    /// Replaces the spec of a FlinkDeployment.
    struct Update: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkDeployment", name: name.deploymentName) }
        static let configuration = CommandConfiguration(
            abstract: "Replace the spec of a FlinkDeployment with the spec in a file.",
            discussion: """
                Examples:
                  flinkctl deployment update --deployment-name demo -f demo.yaml
                  cat demo.json | flinkctl deployment update --deployment-name demo -f -
                """
        )
        @OptionGroup var name: Name
        @OptionGroup var spec: Spec
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let spec = try spec.load()
            try await send { try await $0.updateDeployment(path: .init(deploymentName: name.deploymentName), body: .json(spec)) }
        }
    }

    /// Deletes a FlinkDeployment.
    struct Delete: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkDeployment", name: name.deploymentName) }
        static let configuration = CommandConfiguration(
            abstract: "Delete a FlinkDeployment; its cluster and jobs follow.",
            discussion: """
                Examples:
                  flinkctl deployment delete --deployment-name demo
                  flinkctl deployment delete --deployment-name demo -o name
                """
        )
        @OptionGroup var name: Name
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.deleteDeployment(path: .init(deploymentName: name.deploymentName)) }
        }
    }

    /// Shows the status of a FlinkDeployment.
    struct Status: ControlPlaneCommand {
        var subject: Subject { .status(kind: "FlinkDeployment", name: name.deploymentName) }
        static let configuration = CommandConfiguration(
            abstract: "Show the status of a FlinkDeployment.",
            discussion: """
                Examples:
                  flinkctl deployment status --deployment-name demo -o table
                  flinkctl deployment status --deployment-name demo \\
                    -o jsonpath='{.status.resourceStatus}'
                """
        )
        @OptionGroup var name: Name
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getDeploymentStatus(path: .init(deploymentName: name.deploymentName)) }
        }
    }
}
