/// Errors raised while assembling a toolbox process. All are terminal: the process reports them and exits 1.
public enum ServiceKitError: Error, CustomStringConvertible, Equatable {
    /// Only some of the TLS options were given.
    case incompleteTLS(String)
    /// A certificate, key or CA file could not be read or parsed.
    case unreadableTLSMaterial(path: String, reason: String)

    /// A message naming the problem.
    public var description: String {
        switch self {
        case .incompleteTLS(let message):
            return message
        case .unreadableTLSMaterial(let path, let reason):
            return "cannot load TLS material from \(path): \(reason)"
        }
    }
}
