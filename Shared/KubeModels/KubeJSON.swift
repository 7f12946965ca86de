import Foundation

/// The JSON coders of the Kubernetes API: RFC 3339 dates, with or without fractional seconds.
public enum KubeJSON {
    /// Encoder for request bodies.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        return encoder
    }

    /// Decoder for answers.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }

    /// `2026-11-25T12:00:00Z`, the format of metav1.Time.
    public static func formatTimestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `2026-11-25T12:00:00.123456Z`, the format of metav1.MicroTime (leases).
    public static func formatMicroTimestamp(_ date: Date) -> String {
        let seconds = formatTimestamp(date).dropLast()
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return "\(seconds).\(String(format: "%06d", micros))Z"
    }

    /// Parses an RFC 3339 time with or without fractional seconds.
    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
