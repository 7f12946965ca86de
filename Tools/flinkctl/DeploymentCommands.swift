import ArgumentParser
import ToolboxAPI

/// `flinkctl deployments list`.
struct DeploymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deployments", abstract: "List FlinkDeployments.", subcommands: [List.self])

    /// Names of the FlinkDeployments.
    struct List: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "List the FlinkDeployments of the operator's namespace.")
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
        subcommands: [Create.self, Update.self, Delete.self, Status.self]
    )

    /// `--deployment-name`.
    struct Name: ParsableArguments {
        @Option(help: "Name of the FlinkDeployment.")
        var deploymentName: String
    }

    /// `--deployment-spec`.
    struct Spec: ParsableArguments {
        @Option(help: ArgumentHelp("JSON or YAML file with the FlinkDeployment spec (or a whole FlinkDeployment).", valueName: "file"))
        var deploymentSpec: String

        /// The spec in the file.
        func load() throws -> Components.Schemas.FlinkDeploymentSpec {
            try SpecFile.load(Components.Schemas.FlinkDeploymentSpec.self, from: deploymentSpec)
        }
    }

    /// Creates a FlinkDeployment.
    struct Create: ControlPlaneCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a FlinkDeployment from a spec file.",
            discussion: "With --wait, waits until the operator has split it into its cluster and jobs (resourceStatus Updated)."
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
        static let configuration = CommandConfiguration(abstract: "Replace the spec of a FlinkDeployment with the spec in a file.")
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
        static let configuration = CommandConfiguration(abstract: "Delete a FlinkDeployment; its cluster and jobs follow.")
        @OptionGroup var name: Name
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.deleteDeployment(path: .init(deploymentName: name.deploymentName)) }
        }
    }

    /// Shows the status of a FlinkDeployment.
    struct Status: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Show the status of a FlinkDeployment.")
        @OptionGroup var name: Name
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getDeploymentStatus(path: .init(deploymentName: name.deploymentName)) }
        }
    }
}
