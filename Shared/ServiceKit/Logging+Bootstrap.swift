import Logging

/// Process-wide logging set-up shared by the executables.
public enum ToolboxLogging {
    /// Sends logs to standard error at `level` (falls back to info for an unknown name) and returns the process logger.
    public static func bootstrap(component: Component, level: String) -> Logger {
        let parsed = Logger.Level(rawValue: level.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        var logger = Logger(label: "flink-toolbox.\(component.rawValue)")
        logger.logLevel = parsed
        return logger
    }
}
