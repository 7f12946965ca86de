import ArgumentParser
import Foundation

/// `flinkctl config view|get-contexts|current-context|use-context|set-context|delete-context`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Manage the contexts of flinkctl's config file, as kubectl config does.",
        discussion: """
            A context names an operator and the client's TLS material, so that --host, --port and the certificates need not be \
            given on every command. The file is $FLINKCTL_CONFIG, or ~/.config/flinkctl/config.yaml ($XDG_CONFIG_HOME is \
            honoured), or --config FILE; it is written atomically, readable by its owner only. Options given on a command \
            line override the context's values; --context NAME picks another context than the current one.

            Examples:
              flinkctl config set-context prod --host operator.example.com --port 4444 \\
                --cert client.pem --key client.key --ca-cert ca.pem
              flinkctl config use-context prod
              flinkctl deployments list --context staging
            """,
        subcommands: [View.self, GetContexts.self, CurrentContext.self, UseContext.self, SetContext.self, DeleteContext.self]
    )

    /// `--config`.
    struct File: ParsableArguments {
        @Option(help: ArgumentHelp("Config file (default $FLINKCTL_CONFIG or ~/.config/flinkctl/config.yaml).", valueName: "file"))
        var config: String?

        /// The path of the file.
        var path: String { ClientConfig.path(config) }

        /// The config in the file; empty when there is none yet.
        func load() throws -> ClientConfig { try ClientConfig.load(from: path) }
    }

    /// `view`: the file as YAML.
    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the config file; keystore and truststore passwords are hidden unless --raw.",
            discussion: """
                Examples:
                  flinkctl config view
                  flinkctl config view --raw --config ./flinkctl.yaml
                """)
        @OptionGroup var file: File
        @Flag(help: "Show the passwords as they are.") var raw = false

        func run() throws {
            var config = try file.load()
            if !raw {
                for index in config.contexts.indices {
                    if config.contexts[index].context.keystoreSecret != nil { config.contexts[index].context.keystoreSecret = "REDACTED" }
                    if config.contexts[index].context.truststoreSecret != nil { config.contexts[index].context.truststoreSecret = "REDACTED" }
                }
            }
            print(try config.yaml(), terminator: "")
        }
    }

    /// `get-contexts`: a table of the contexts, the current one marked.
    struct GetContexts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-contexts", abstract: "List the contexts; * marks the current one.",
            discussion: """
                Examples:
                  flinkctl config get-contexts
                  flinkctl config get-contexts -o name
                """)
        @OptionGroup var file: File
        @Option(name: [.short, .long], help: ArgumentHelp("name: only the names of the contexts.", valueName: "format"))
        var output: String?

        func validate() throws {
            guard output == nil || output == "name" else { throw ValidationError("--output must be name") }
        }

        func run() throws {
            let config = try file.load()
            if output == "name" {
                for context in config.contexts { print(context.name) }
                return
            }
            let rows = config.contexts.map { named in
                let context = named.context
                return [
                    named.name == config.currentContext ? "*" : "", named.name, "\(context.host ?? "localhost"):\(context.port ?? 4444)",
                    context.insecureHttp == true ? "none" : context.keystorePath != nil ? "keystore" : context.cert != nil ? "pem" : "",
                    context.namespace ?? "",
                ]
            }
            print(Table.render(headers: ["CURRENT", "NAME", "SERVER", "TLS", "NAMESPACE"], rows: rows), terminator: "")
        }
    }

    /// `current-context`: the name of the current context.
    struct CurrentContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "current-context", abstract: "Show the name of the current context.",
            discussion: """
                Examples:
                  flinkctl config current-context
                """)
        @OptionGroup var file: File

        func run() throws {
            guard let name = try file.load().currentContext else { throw FlinkctlError.setup("current-context is not set in \(file.path)") }
            print(name)
        }
    }

    /// `use-context NAME`: makes a context the current one.
    struct UseContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "use-context", abstract: "Make a context the current one.",
            discussion: """
                Examples:
                  flinkctl config use-context prod
                """)
        @OptionGroup var file: File
        @Argument(help: "Name of the context.") var name: String

        func run() throws {
            var config = try file.load()
            guard config[name] != nil else { throw FlinkctlError.setup("no context \"\(name)\" in \(file.path)") }
            config.currentContext = name
            try config.save(to: file.path)
            print("Switched to context \"\(name)\".")
        }
    }

    /// `delete-context NAME`.
    struct DeleteContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-context", abstract: "Delete a context; deleting the current one unsets current-context.",
            discussion: """
                Examples:
                  flinkctl config delete-context staging
                """)
        @OptionGroup var file: File
        @Argument(help: "Name of the context.") var name: String

        func run() throws {
            var config = try file.load()
            guard config[name] != nil else { throw FlinkctlError.setup("no context \"\(name)\" in \(file.path)") }
            config[name] = nil
            if config.currentContext == name {
                config.currentContext = nil
                FileHandle.standardError.write(Data("warning: \"\(name)\" was the current context; current-context is now unset\n".utf8))
            }
            try config.save(to: file.path)
            print("Deleted context \"\(name)\" from \(file.path).")
        }
    }
}
